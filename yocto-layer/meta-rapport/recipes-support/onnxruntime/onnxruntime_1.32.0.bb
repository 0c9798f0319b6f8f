# SKELETON: ONNX Runtime's CMake build fetches its dependencies at configure time; an offline
# Yocto build needs each of them in SRC_URI (cmake/deps.txt) and FETCHCONTENT pointed at them.
# Not done yet; written for the CPU provider (and XNNPACK on ARM), not built for a board.
SUMMARY = "ONNX Runtime inference engine"
DESCRIPTION = "ONNX Runtime runs the station's voice-activity detector, the patient's voice \
               and the utterance coder. The station loads it at run time (the ort crate's \
               load-dynamic), so it is found through RAPPORT_ONNXRUNTIME, which the \
               station's drop-in in this recipe sets."
HOMEPAGE = "https://onnxruntime.ai"
BUGTRACKER = "https://github.com/microsoft/onnxruntime/issues"
CVE_PRODUCT = "onnxruntime"
SECTION = "libs"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://LICENSE;md5=00000000000000000000000000000000"

DEPENDS = "protobuf protobuf-native zlib"

SRC_URI = "gitsm://github.com/microsoft/onnxruntime.git;protocol=https;branch=rel-1.32.0"
# The station finds this library instead of the x86-64 copy in the Debian test image's model store.
SRC_URI += "file://onnxruntime.conf"
# FIXME: the commit of tag v1.32.0, to be filled in with the checksum above.
SRCREV = "0000000000000000000000000000000000000000"
S = "${WORKDIR}/git"
OECMAKE_SOURCEPATH = "${S}/cmake"

inherit cmake python3native

EXTRA_OECMAKE = "-Donnxruntime_BUILD_SHARED_LIB=ON -Donnxruntime_BUILD_UNIT_TESTS=OFF \
                 -Donnxruntime_USE_PREINSTALLED_PROTOBUF=ON -DFETCHCONTENT_FULLY_DISCONNECTED=ON"

do_install:append() {
    install -D -m 0644 ${WORKDIR}/onnxruntime.conf \
        ${D}${systemd_system_unitdir}/rapport-station.service.d/onnxruntime.conf
}
FILES:${PN} += "${systemd_system_unitdir}/rapport-station.service.d"
