/** A problem found in the state folder: the file, where in it, what is wrong, and what to do. */
export interface StateProblem {
  file: string;
  line?: number;
  message: string;
  fix: string;
}
