SUMMARY = "Rapport station image"
DESCRIPTION = "A read-only, dm-verity-protected root file system that boots into the station, \
               with A/B updates by RAUC and one writable data partition for configuration \
               and aggregates."
HOMEPAGE = "https://rapport.invalid"
SECTION = "images"
LICENSE = "MIT"
CVE_PRODUCT = "rapport"

inherit core-image

# The root file system is read-only; /var/volatile and /tmp are RAM (read-only-rootfs), the data
# partition is mounted by the shared fstab. No package manager: updates are whole RAUC bundles.
IMAGE_FEATURES += "read-only-rootfs"
IMAGE_FEATURES:remove = "package-management"

# The self-test of image/boot-test comes along, runnable on a board with rapport.selftest=1.
IMAGE_INSTALL = "packagegroup-core-boot rapport rapport-selftest rauc kernel-modules \
                 gstreamer1.0-plugins-bad-webrtc gstreamer1.0-plugins-bad-webrtcdsp"

# dm-verity (meta-security): the root file system gets a hash tree; the initramfs opens it with
# the root hash it carries, so a changed byte stops the boot.
IMAGE_CLASSES += "dm-verity-img"
DM_VERITY_IMAGE = "rapport-image"
DM_VERITY_IMAGE_TYPE = "squashfs-lz4"
IMAGE_FSTYPES += "squashfs-lz4 squashfs-lz4.verity wic"
INITRAMFS_IMAGE = "dm-verity-image-initramfs"

# A and B root slots and the data partition (wic/rapport-ab.wks.in).
WKS_FILE = "rapport-ab.wks.in"

# No login on the screen or a serial line, no Ctrl-Alt-Del reboot; the root account has no
# password (the image's default), so sulogin refuses an emergency shell.
ROOTFS_POSTPROCESS_COMMAND += "rapport_no_login;"
rapport_no_login[doc] = "Masks every getty and the Ctrl-Alt-Del target in the image"
rapport_no_login() {
    for unit in getty@.service serial-getty@.service autovt@.service console-getty.service \
        getty.target ctrl-alt-del.target debug-shell.service; do
        ln -sf /dev/null ${IMAGE_ROOTFS}${sysconfdir}/systemd/system/${unit}
    done
    rm -f ${IMAGE_ROOTFS}${sysconfdir}/systemd/system/getty.target.wants/*
}
