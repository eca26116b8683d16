/**
 * Critic networks for mutual-information bounds: joint, separable, bilinear, one-hot, CNN, ResNet-18, MI-NEE.
 *
 * @packageDocumentation
 */
export {};
