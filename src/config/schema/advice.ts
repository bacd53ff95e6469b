/**
 * Extra guidance attached to schema nodes, kept out of the JSON Schema (which only sees
 * `z.globalRegistry`). `problems.ts` consults it when it turns a Zod issue into a user message.
 */
import { z } from 'zod';

export interface NodeAdvice {
  /** Message, expectation and hint when a value of the wrong type is given here. */
  wrongType?: { message: string; expected?: string; hint: string };
  /** Message and hint when the value is null (e.g. an environment with nothing under it). */
  empty?: { message: string; hint: string };
  /** Hints for specific unknown keys (e.g. `value` in a secret reference). */
  keys?: Record<string, string>;
}

export const advice = z.registry<NodeAdvice>();
