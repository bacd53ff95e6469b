/** The artifact build's own errors (a failing command is `BuildFailedError`, in build.ts). */
export class ArtifactFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactFolderError';
  }
}
