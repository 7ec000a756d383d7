// fs-native-extensions ships no types; enews uses its lock functions (src/journal/file-lock.ts).
declare module 'fs-native-extensions' {
  const fne: {
    /** An exclusive lock on the whole file; false when another descriptor holds it. */
    tryLock(fd: number): boolean;
    unlock(fd: number): void;
  };
  export default fne;
}
