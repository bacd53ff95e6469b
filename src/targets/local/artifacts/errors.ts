/** The artifact build's own errors (a failing command is `BuildFailedError`, in build.ts). */
import { SlipwayError } from '../../../core/fault.ts';

export class ArtifactFolderError extends SlipwayError {
  constructor(message: string) {
    super(message, 'invalid-input');
    this.name = 'ArtifactFolderError';
  }
}
