# whisper.cpp 1.8.3 as a shared library for tools on the device, built from exactly the copy the
# station links: the sources the whisper-rs-sys crate vendors, pinned by Cargo.lock's checksum.
# Not yet built for a board (CI cannot build Yocto); yocto-layer/check lints it.
SUMMARY = "Speech recognition with OpenAI's Whisper models, in C/C++"
DESCRIPTION = "whisper.cpp: an inference engine for Whisper speech-recognition models, \
               used by the station to transcribe the trainee's speech on the device."
HOMEPAGE = "https://github.com/ggml-org/whisper.cpp"
BUGTRACKER = "https://github.com/ggml-org/whisper.cpp/issues"
CVE_PRODUCT = "whisper.cpp"
SECTION = "libs"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://LICENSE;md5=1539dadbedb60aa18519febfeab70632"

# The crate's version and checksum are the ones in Cargo.lock (rapport-crates.inc has the same).
SRC_URI = "crate://crates.io/whisper-rs-sys/0.15.0"
SRC_URI[whisper-rs-sys-0.15.0.sha256sum] = "6986c0fe081241d391f09b9a071fbcbb59720c3563628c3c829057cf69f2a56f"
S = "${WORKDIR}/cargo_home/bitbake/whisper-rs-sys-0.15.0/whisper.cpp"

inherit cmake

# A shared library and its headers for the station; no examples, tests or network downloads.
EXTRA_OECMAKE = "-DBUILD_SHARED_LIBS=ON -DWHISPER_BUILD_EXAMPLES=OFF -DWHISPER_BUILD_TESTS=OFF \
                 -DWHISPER_BUILD_SERVER=OFF -DGGML_NATIVE=OFF -DGGML_OPENMP=OFF"
