SUMMARY = "Rapport station update bundle"
DESCRIPTION = "A signed RAUC bundle carrying the verity-protected root file system of \
               rapport-image, installed into the inactive A/B slot."
HOMEPAGE = "https://rapport.invalid"
SECTION = "images"
LICENSE = "MIT"
CVE_PRODUCT = "rapport"
# A bundle packs an image this build made; it has no sources of its own.
SRC_URI = ""

inherit bundle

RAUC_BUNDLE_COMPATIBLE = "rapport-station"
RAUC_BUNDLE_FORMAT = "verity"
RAUC_BUNDLE_SLOTS = "rootfs"
RAUC_SLOT_rootfs = "rapport-image"
RAUC_SLOT_rootfs[fstype] = "squashfs-lz4.verity"
# The signing key and certificate are the lab's (kas's dev overlay sets test ones).
RAUC_KEY_FILE ??= "${RAPPORT_RAUC_KEY}"
RAUC_CERT_FILE ??= "${RAPPORT_RAUC_CERT}"
