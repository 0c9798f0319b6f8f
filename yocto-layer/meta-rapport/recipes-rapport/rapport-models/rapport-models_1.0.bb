# SKELETON: the model files are not chosen yet (the speech issue picks them). They ship as a
# package of their own so a model update is a small RAUC bundle and the station's package
# stays small; the files come from a URL the build pins by checksum, never from the device.
SUMMARY = "Speech models for the Rapport station"
DESCRIPTION = "The Whisper speech-recognition model and the voice-activity model the station \
               loads at start-up, installed read-only under /usr/share/rapport/models."
HOMEPAGE = "https://rapport.invalid"
CVE_PRODUCT = "rapport-models"
SECTION = "misc"
LICENSE = "MIT"
# The models carry no license file of their own until they are chosen.
# nooelint: oelint.var.licenseremotefile
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"

# FIXME: the model files and their sha256sums, e.g. a Whisper "base.en" ggml file.
RAPPORT_MODEL_URI ??= ""
SRC_URI = "${RAPPORT_MODEL_URI}"

inherit allarch

do_configure[noexec] = "1"
do_compile[noexec] = "1"

do_install() {
    install -d ${D}${datadir}/rapport/models
    for model in ${WORKDIR}/*.bin ${WORKDIR}/*.onnx; do
        [ -e "${model}" ] && install -m 0444 "${model}" ${D}${datadir}/rapport/models/
    done
}

FILES:${PN} += "${datadir}/rapport/models"
