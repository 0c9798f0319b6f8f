# SKELETON: written against whisper.cpp's CMake build, not yet built for a board (CI cannot
# build Yocto). The speech issue makes it real: pin SRCREV to the tag, check LIC_FILES_CHKSUM.
SUMMARY = "Speech recognition with OpenAI's Whisper models, in C/C++"
DESCRIPTION = "whisper.cpp: an inference engine for Whisper speech-recognition models, \
               used by the station to transcribe the trainee's speech on the device."
HOMEPAGE = "https://github.com/ggml-org/whisper.cpp"
BUGTRACKER = "https://github.com/ggml-org/whisper.cpp/issues"
CVE_PRODUCT = "whisper.cpp"
SECTION = "libs"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://LICENSE;md5=00000000000000000000000000000000"

SRC_URI = "git://github.com/ggml-org/whisper.cpp.git;protocol=https;branch=master"
# FIXME: the commit of tag v1.7.6, to be filled in with the checksum above.
SRCREV = "0000000000000000000000000000000000000000"
S = "${WORKDIR}/git"

inherit cmake

# A shared library and its headers for the station; no examples, tests or network downloads.
EXTRA_OECMAKE = "-DBUILD_SHARED_LIBS=ON -DWHISPER_BUILD_EXAMPLES=OFF -DWHISPER_BUILD_TESTS=OFF \
                 -DWHISPER_BUILD_SERVER=OFF -DGGML_NATIVE=OFF -DGGML_OPENMP=OFF"
