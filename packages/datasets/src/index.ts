/**
 * Synthetic tasks with known mutual information, MNIST/CIFAR loaders, benchmark pairings and user data readers.
 *
 * @packageDocumentation
 */
export {};
