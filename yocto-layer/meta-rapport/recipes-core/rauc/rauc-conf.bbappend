# The A/B slot layout of rapport-ab.wks.in (files/system.conf), for the Rapport distribution.
FILESEXTRAPATHS:prepend:rapport := "${THISDIR}/files:"
# The keyring is the lab's, never in this repository: kas's dev overlay points at a test CA.
RAUC_KEYRING_FILE:rapport ??= "${RAPPORT_RAUC_KEYRING}"
