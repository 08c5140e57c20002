// Activation functions, computed in f32.
#ifndef LANTERN_ACTIVATION_GLSL
#define LANTERN_ACTIVATION_GLSL

// GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
// tanh is written through exp of a clamped argument: some drivers' tanh returns NaN for large inputs.
float geluTanh(float x) {
    const float t = clamp(0.7978845608028654 * (x + 0.044715 * x * x * x), -15.0, 15.0);
    const float e = exp(2.0 * t);
    return 0.5 * x * (1.0 + (e - 1.0) / (e + 1.0));
}

// SiLU: x * sigmoid(x).
float silu(float x) { return x / (1.0 + exp(-x)); }

#endif
