//! Where the models run: the CPU, the tested default, or a GPU or NPU when the build has a
//! backend for it and the configuration asks for it.
//!
//! Build features (of this crate, forwarded by the station's):
//! - `whisper-vulkan`, `whisper-cuda`: whisper.cpp's Vulkan or CUDA backend (their SDKs are
//!   needed at build time);
//! - `onnx-cuda`, `onnx-openvino`: ONNX Runtime's CUDA provider, or its OpenVINO provider for
//!   Intel GPUs and NPUs (they need an ONNX Runtime library built with them in the model store,
//!   or at `RAPPORT_ONNXRUNTIME`).
//!
//! The configuration is [`ACCELERATOR_ENV`]: `cpu` (or unset), `gpu` or `npu`. The Piper voice
//! and whisper move; the VAD stays on the CPU (a frame costs a tenth of a millisecond, less than
//! a trip to a device). Asking for a device the build or the machine cannot use runs on the CPU:
//! ONNX Runtime skips a provider it cannot register, whisper.cpp falls back by itself, and the
//! station says so once in its log.

use std::str::FromStr;

use crate::SpeechError;

/// The environment variable that chooses the accelerator.
pub const ACCELERATOR_ENV: &str = "RAPPORT_ACCELERATOR";

/// Where the speech models run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Accelerator {
    /// The CPU.
    #[default]
    Cpu,
    /// A GPU: whisper.cpp's Vulkan or CUDA backend, ONNX Runtime's CUDA or OpenVINO provider.
    Gpu,
    /// An NPU: ONNX Runtime's OpenVINO provider (whisper stays on the CPU).
    Npu,
}

impl FromStr for Accelerator {
    type Err = SpeechError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "cpu" => Ok(Self::Cpu),
            "gpu" => Ok(Self::Gpu),
            "npu" => Ok(Self::Npu),
            _ => Err(SpeechError::Accelerator { value: value.to_owned() }),
        }
    }
}

impl Accelerator {
    /// The accelerator [`ACCELERATOR_ENV`] asks for; the CPU when it is unset.
    pub fn from_env() -> Result<Self, SpeechError> {
        match std::env::var(ACCELERATOR_ENV) {
            Ok(value) => value.parse(),
            Err(std::env::VarError::NotPresent) => Ok(Self::Cpu),
            Err(std::env::VarError::NotUnicode(value)) => {
                Err(SpeechError::Accelerator { value: value.to_string_lossy().into_owned() })
            }
        }
    }

    /// Whether whisper.cpp is asked to use a GPU: only when one is wanted and this build has a
    /// GPU backend.
    pub fn whisper_gpu(self) -> bool {
        self == Self::Gpu && cfg!(any(feature = "whisper-vulkan", feature = "whisper-cuda"))
    }

    /// Whether this build has a backend for the accelerator at all.
    pub fn built_in(self) -> bool {
        match self {
            Self::Cpu => true,
            Self::Gpu => cfg!(any(
                feature = "whisper-vulkan",
                feature = "whisper-cuda",
                feature = "onnx-cuda",
                feature = "onnx-openvino"
            )),
            Self::Npu => cfg!(feature = "onnx-openvino"),
        }
    }

    /// ONNX Runtime's providers for the accelerator, best first; the CPU always follows.
    pub(crate) fn onnx_providers(self) -> Vec<ort::ep::ExecutionProviderDispatch> {
        #[allow(unused_mut, reason = "empty in a build without device providers")]
        let mut providers = Vec::new();
        #[cfg(feature = "onnx-cuda")]
        if self == Self::Gpu {
            providers.push(ort::ep::CUDA::default().build());
        }
        #[cfg(feature = "onnx-openvino")]
        match self {
            Self::Gpu => {
                providers.push(ort::ep::OpenVINO::default().with_device_type("GPU").build())
            }
            Self::Npu => {
                providers.push(ort::ep::OpenVINO::default().with_device_type("NPU").build())
            }
            Self::Cpu => {}
        }
        providers
    }

    /// Says once in the log when the accelerator asked for cannot be used by this build.
    pub(crate) fn note_fallback(self) {
        static ONCE: std::sync::Once = std::sync::Once::new();
        if !self.built_in() {
            ONCE.call_once(|| {
                tracing::warn!(
                    "an accelerator was asked for, but this build has no backend for it: the speech models run on the CPU"
                );
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_anything_else_is_refused_by_name() {
        assert_eq!("".parse::<Accelerator>().expect("empty"), Accelerator::Cpu);
        assert_eq!("CPU".parse::<Accelerator>().expect("cpu"), Accelerator::Cpu);
        assert_eq!(" gpu ".parse::<Accelerator>().expect("gpu"), Accelerator::Gpu);
        assert_eq!("npu".parse::<Accelerator>().expect("npu"), Accelerator::Npu);
        let error = "tpu".parse::<Accelerator>().expect_err("unknown");
        assert!(error.to_string().contains("\"tpu\""), "{error}");
        assert!(error.to_string().contains(ACCELERATOR_ENV), "{error}");
    }

    #[test]
    fn a_build_without_device_backends_keeps_whisper_on_the_cpu() {
        assert!(Accelerator::Cpu.built_in());
        assert!(!Accelerator::Cpu.whisper_gpu());
        if !cfg!(any(feature = "whisper-vulkan", feature = "whisper-cuda")) {
            assert!(!Accelerator::Gpu.whisper_gpu());
        }
        if !cfg!(any(feature = "onnx-cuda", feature = "onnx-openvino")) {
            assert!(Accelerator::Gpu.onnx_providers().is_empty());
            assert!(Accelerator::Npu.onnx_providers().is_empty());
        }
    }
}
