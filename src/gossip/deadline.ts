// Waiting for something without cancelling it: a probe gives up on a connection attempt at its
// own deadline, while the attempt runs on for the next probe to use.

/** The promise's value, or undefined when it fails or `ms` pass first; the promise itself runs on. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}
