/**
 * Reads YAML text into plain values for the config schema, refusing what a config never needs
 * and what makes the yaml library slow or deep: keys that are not scalars (yaml 2.8 turns a
 * collection key into a string by a walk that took 77 s for 300 nested `{`), nesting past
 * MAX_YAML_DEPTH, and (the library's own limit) alias expansion past 100 (billion laughs).
 */
import { isScalar, parseDocument, visit } from 'yaml';
import { TetherError } from '../common/index.js';

/** Deepest nesting a config may use (collections and pairs on the path): the schema needs about 10. */
export const MAX_YAML_DEPTH = 64;

/**
 * Parses `text` (one YAML document) into plain values.
 * @throws TetherError CONFIG_INVALID naming `source` when the text is not YAML, holds several
 *   documents, a non-scalar key, nesting past MAX_YAML_DEPTH or too many aliases
 */
export function readYaml(text: string, source: string): unknown {
  const invalid = (message: string, cause?: unknown) => new TetherError('CONFIG_INVALID', `${source}: not valid YAML: ${message}`, { cause });
  try {
    // logLevel error: an unknown tag (`!!js/function`) becomes a plain value the schema judges, not a process warning.
    const document = parseDocument(text, { logLevel: 'error' });
    const error = document.errors[0];
    if (error !== undefined) throw invalid(error.message);
    let problem: string | undefined;
    visit(document, {
      Pair(_, pair) {
        if (pair.key !== null && !isScalar(pair.key)) problem = 'keys must be plain names, not lists or maps';
        return problem ? visit.BREAK : undefined;
      },
      Collection(_, __, path) {
        if (path.length > MAX_YAML_DEPTH) problem = `nested deeper than ${MAX_YAML_DEPTH} levels`;
        return problem ? visit.BREAK : undefined;
      },
    });
    if (problem !== undefined) throw invalid(problem);
    return document.toJS() ?? {};
  } catch (err) {
    if (err instanceof TetherError) throw err;
    // The library throws for alias bombs; very deep text overflows its recursion (RangeError).
    throw invalid((err as Error).message, err);
  }
}
