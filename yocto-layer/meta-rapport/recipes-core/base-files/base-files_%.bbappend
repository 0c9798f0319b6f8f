# The station's fstab (/tmp on tmpfs, the data partition nosuid,nodev,noexec), shared with the
# Debian test image: image/rootfs/etc/fstab in the repository this layer lives in.
FILESEXTRAPATHS:prepend:rapport := "${RAPPORT_REPO}/image/rootfs/etc:"
