/**
 * "Did you mean …?" for a misspelled name (a rule id, a config key, a command, an option): the closest
 * candidate by edit distance, when it is close enough to be a typo rather than another word.
 */
import { distance } from 'fastest-levenshtein';

/** The candidate closest to `word`, or undefined when none is within a typo's reach. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const needle = word.toLowerCase();
  // A typo changes a few characters: up to a third of the word, at least one, at most four.
  const limit = Math.min(4, Math.max(1, Math.floor(needle.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(needle, candidate.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** `; did you mean "x"?` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : `; did you mean "${match}"?`;
}
