SUMMARY = "Rapport practice station"
DESCRIPTION = "A private practice station for therapeutic conversations: a simulated \
               patient, utterance coding and feedback, with nothing of a session kept."
# The project has no public home yet; .invalid marks the placeholder.
HOMEPAGE = "https://rapport.invalid"
SECTION = "misc"
LICENSE = "MIT | Apache-2.0"
LIC_FILES_CHKSUM = "file://Cargo.toml;beginline=18;endline=18;md5=86b31c7756a1a7962f28b62856ed4f05"
CVE_PRODUCT = "rapport"

# Remote peers' media (appliance/media): GStreamer's webrtcbin and Opus.
DEPENDS += "gstreamer1.0 gstreamer1.0-plugins-bad gstreamer1.0-plugins-base"

# Every crate of Cargo.lock, fetched before the build: cargo never reaches the network.
require rapport-crates.inc

# The source is the repository this layer lives in (RAPPORT_REPO, set in layer.conf), at the
# commit the build pins in RAPPORT_SRCREV (kas's dev overlay follows the latest commit).
SRC_URI += "git://${RAPPORT_REPO};protocol=file;branch=main"
SRCREV = "${RAPPORT_SRCREV}"
RAPPORT_SRCREV ??= "${AUTOREV}"
S = "${WORKDIR}/git"

inherit cargo pkgconfig systemd useradd

# The workspace has several crates; the station binary is the `rapport` package.
CARGO_BUILD_FLAGS:append = " -p rapport"

# The station's service user, as image/rootfs/usr/lib/sysusers.d/rapport.conf declares it.
USERADD_PACKAGES = "${PN}"
USERADD_PARAM:${PN} = "--system --home-dir ${localstatedir}/lib/rapport --no-create-home \
                       --shell ${base_sbindir}/nologin --user-group \
                       --groups audio,video,input,render rapport"

SYSTEMD_SERVICE:${PN} = "rapport-station.service"
SYSTEMD_AUTO_ENABLE:${PN} = "enable"

# The units and policies come from image/rootfs, shared with the Debian test image.
do_install:append() {
    rootfs=${S}/image/rootfs
    install -D -m 0644 ${rootfs}/usr/lib/systemd/system/rapport-station.service \
        ${D}${systemd_system_unitdir}/rapport-station.service
    install -D -m 0644 ${rootfs}/usr/lib/systemd/system/rapport-selftest.service \
        ${D}${systemd_system_unitdir}/rapport-selftest.service
    install -D -m 0755 ${rootfs}/usr/lib/rapport/selftest ${D}${nonarch_libdir}/rapport/selftest
    for policy in sysusers.d/rapport.conf tmpfiles.d/rapport.conf sysctl.d/90-rapport.conf \
        systemd/journald.conf.d/rapport.conf systemd/coredump.conf.d/rapport.conf \
        systemd/system.conf.d/rapport.conf systemd/logind.conf.d/rapport.conf; do
        install -D -m 0644 ${rootfs}/usr/lib/${policy} ${D}${nonarch_libdir}/${policy}
    done
    install -D -m 0644 ${rootfs}/etc/rapport/station.toml ${D}${sysconfdir}/rapport/station.toml
    install -d ${D}${docdir}/rapport/units
    install -m 0644 ${S}/image/units/*.md ${D}${docdir}/rapport/units/
}

PACKAGES =+ "${PN}-selftest"

FILES:${PN} += "${nonarch_libdir}/sysusers.d ${nonarch_libdir}/tmpfiles.d \
                ${nonarch_libdir}/sysctl.d ${nonarch_libdir}/systemd"
FILES:${PN}-selftest += "${systemd_system_unitdir}/rapport-selftest.service \
                         ${nonarch_libdir}/rapport/selftest"
CONFFILES:${PN} = "${sysconfdir}/rapport/station.toml"

# The GStreamer elements remote peers need at run time, and libnice for ICE.
RDEPENDS:${PN} += "gstreamer1.0-plugins-bad-dtls gstreamer1.0-plugins-bad-sctp gstreamer1.0-plugins-bad-srtp \
                   gstreamer1.0-plugins-bad-webrtc gstreamer1.0-plugins-base-audioconvert gstreamer1.0-plugins-base-audiomixer \
                   gstreamer1.0-plugins-base-audioresample gstreamer1.0-plugins-base-audiotestsrc gstreamer1.0-plugins-base-opus \
                   gstreamer1.0-plugins-good-level gstreamer1.0-plugins-good-rtp gstreamer1.0-plugins-good-rtpmanager \
                   libnice"
RDEPENDS:${PN}-selftest = "bash"
