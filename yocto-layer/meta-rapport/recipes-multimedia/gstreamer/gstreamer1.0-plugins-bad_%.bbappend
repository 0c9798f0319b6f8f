# The station's media path: WebRTC to remote peers (webrtcbin, with libnice for ICE and
# libsrtp for encryption) and the WebRTC audio processor (echo cancellation, noise suppression,
# gain control) on the microphone.
PACKAGECONFIG:append:rapport = " webrtc webrtcdsp srtp"
