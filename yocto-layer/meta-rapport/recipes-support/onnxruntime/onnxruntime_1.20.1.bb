# SKELETON: ONNX Runtime's CMake build fetches its dependencies at configure time; an offline
# Yocto build needs each of them in SRC_URI (cmake/deps.txt) and FETCHCONTENT pointed at them.
# Not done yet; written for the CPU provider (and XNNPACK on ARM), not built for a board.
SUMMARY = "ONNX Runtime inference engine"
DESCRIPTION = "ONNX Runtime runs the station's voice-activity and speaker models."
HOMEPAGE = "https://onnxruntime.ai"
BUGTRACKER = "https://github.com/microsoft/onnxruntime/issues"
CVE_PRODUCT = "onnxruntime"
SECTION = "libs"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://LICENSE;md5=00000000000000000000000000000000"

DEPENDS = "protobuf protobuf-native zlib"

SRC_URI = "gitsm://github.com/microsoft/onnxruntime.git;protocol=https;branch=rel-1.20.1"
# FIXME: the commit of tag v1.20.1, to be filled in with the checksum above.
SRCREV = "0000000000000000000000000000000000000000"
S = "${WORKDIR}/git"
OECMAKE_SOURCEPATH = "${S}/cmake"

inherit cmake python3native

EXTRA_OECMAKE = "-Donnxruntime_BUILD_SHARED_LIB=ON -Donnxruntime_BUILD_UNIT_TESTS=OFF \
                 -Donnxruntime_USE_PREINSTALLED_PROTOBUF=ON -DFETCHCONTENT_FULLY_DISCONNECTED=ON"
