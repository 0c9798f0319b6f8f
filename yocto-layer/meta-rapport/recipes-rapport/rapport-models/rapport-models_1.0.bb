# The station's models as a package of their own: a model update is a small RAUC bundle, and the
# station's package stays small. The files are the ones `models/fetch` puts in the model store on
# the build host (from the pinned packages of models/manifest.toml, converted where needed);
# this recipe reads that store offline and refuses any file whose sha256 is not the manifest's.
SUMMARY = "Speech and voice models for the Rapport station"
DESCRIPTION = "Whisper tiny.en (ggml) for speech recognition, Silero VAD for voice activity, \
               the Piper voice of the simulated patient and the trained utterance coder, \
               installed read-only under /usr/share/rapport/models, where the station looks \
               first."
HOMEPAGE = "https://rapport.invalid"
CVE_PRODUCT = "rapport-models"
SECTION = "misc"
# Whisper and Silero VAD: MIT; the Piper voice: CC0-1.0; the coder (MiniLM): Apache-2.0
# (models/README.md, models/coder/MODEL_CARD.md).
LICENSE = "MIT & CC0-1.0 & Apache-2.0"
# The models carry no licence file of their own; the common licence texts stand for them.
# nooelint: oelint.var.licenseremotefile
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302 \
                    file://${COMMON_LICENSE_DIR}/CC0-1.0;md5=0ceb3372c9595f0a8067e55da801e4a1 \
                    file://${COMMON_LICENSE_DIR}/Apache-2.0;md5=89aea4e17d99a7cacdbeed46a0096b10"

# The store `models/fetch` filled before the build: `RAPPORT_MODELS=$BUILDDIR/models-store
# models/fetch` (yocto-layer/README.md).
RAPPORT_MODEL_STORE ??= "${TOPDIR}/models-store"
SRC_URI = "file://${RAPPORT_MODEL_STORE}/ggml-tiny.en.bin \
           file://${RAPPORT_MODEL_STORE}/silero_vad.onnx \
           file://${RAPPORT_MODEL_STORE}/en_US-joe-medium.onnx \
           file://${RAPPORT_MODEL_STORE}/en_US-joe-medium.onnx.json \
           file://${RAPPORT_MODEL_STORE}/coder-minilm-annomi.onnx \
           file://${RAPPORT_MODEL_STORE}/coder-tokenizer.json"

# The pins of models/manifest.toml (yocto-layer/check keeps them equal).
RAPPORT_MODEL_SHA256 = "ggml-tiny.en.bin=d16050124c5e21c45f264653a08c69fed83ea0885975d3471d6a5614c3266035 \
                        silero_vad.onnx=1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3 \
                        en_US-joe-medium.onnx=58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06 \
                        en_US-joe-medium.onnx.json=3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33 \
                        coder-minilm-annomi.onnx=281749c804980d657af73cd11dae49c34b880d2b395ca36e6e2e3c9e7ff3c65b \
                        coder-tokenizer.json=be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"

inherit allarch

do_configure[noexec] = "1"
do_compile[noexec] = "1"

do_install() {
    install -d ${D}${datadir}/rapport/models
    for pin in ${RAPPORT_MODEL_SHA256}; do
        file=${pin%%=*}
        want=${pin#*=}
        have=$(sha256sum ${WORKDIR}/${file} | cut -d' ' -f1)
        if [ "${have}" != "${want}" ]; then
            bbfatal "${file}: sha256 ${have}, models/manifest.toml pins ${want}; run models/fetch"
        fi
        install -m 0444 ${WORKDIR}/${file} ${D}${datadir}/rapport/models/${file}
    done
}

FILES:${PN} += "${datadir}/rapport/models"
