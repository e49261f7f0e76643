/**
 * English plurals as Sequelize v6 makes them for table names (`Utils.pluralize`, which is the `inflection`
 * package's `pluralize`, version 1.13): an ordered list of rules where the first whose pattern matches the end
 * of the word decides, patterns that only recognise a word that is already plural (no replacement), and a list
 * of uncountable nouns left as they are. Its oddities are kept on purpose (`Salesman` → `Salesmans`,
 * `Meta` → `Meta`): the table name must be the one Sequelize computes, not the correct English.
 */

/** Nouns with no plural form of their own (compared in lower case, whole word). */
const UNCOUNTABLE = new Set(
  `accommodation adulthood advertising advice aggression aid air aircraft alcohol anger applause arithmetic assistance
  athletics bacon baggage beef biology blood botany bread butter carbon cardboard cash chalk chaos chess crossroads
  countryside dancing deer dignity dirt dust economics education electricity engineering enjoyment envy equipment
  ethics evidence evolution fame fiction flour flu food fuel fun furniture gallows garbage garlic genetics gold golf
  gossip gratitude grief guilt gymnastics happiness hardware harm hate hatred health heat help homework honesty honey
  hospitality housework humour hunger hydrogen ice importance inflation information innocence iron irony jam jewelry
  judo karate knowledge lack laughter lava leather leisure lightning linguine linguini linguistics literature litter
  livestock logic loneliness luck luggage macaroni machinery magic management mankind marble mathematics mayonnaise
  measles methane milk minus money mud music mumps nature news nitrogen nonsense nurture nutrition obedience obesity
  oxygen pasta patience physics poetry pollution poverty pride psychology publicity punctuation quartz racism
  relaxation reliability research respect revenge rice rubbish rum safety scenery seafood seaside series shame sheep
  shopping sleep smoke smoking snow soap software soil spaghetti species steam stuff stupidity sunshine symmetry
  tennis thirst thunder timber traffic transportation trust underwear unemployment unity validity veal vegetation
  vegetarianism vengeance violence vitality warmth wealth weather welfare wheat wildlife wisdom yoga zinc zoology`.split(/\s+/),
);

/** [pattern, replacement]; a null replacement means "already plural: keep the word". Order matters. */
const RULES: readonly (readonly [RegExp, string | null])[] = [
  // Already plural.
  [/^(m|wom)en$/i, null],
  [/(pe)ople$/i, null],
  [/(child)ren$/i, null],
  [/([ti])a$/i, null],
  [/((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)ses$/i, null],
  [/(database)s$/i, null],
  [/(drive)s$/i, null],
  [/(hi|ti)ves$/i, null],
  [/(curve)s$/i, null],
  [/([lr])ves$/i, null],
  [/([^fo])ves$/i, null],
  [/([^aeiouy]|qu)ies$/i, null],
  [/(s)eries$/i, null],
  [/(m)ovies$/i, null],
  [/(x|ch|ss|sh)es$/i, null],
  [/([m|l])ice$/i, null],
  [/(bus)es$/i, null],
  [/(o)es$/i, null],
  [/(shoe)s$/i, null],
  [/(cris|ax|test)es$/i, null],
  [/(octop|vir)uses$/i, null],
  [/(alias|canvas|status|campus)es$/i, null],
  [/^(summons|bonus)es$/i, null],
  [/^(ox)en/i, null],
  [/(matr)ices$/i, null],
  [/^feet$/i, null],
  [/^teeth$/i, null],
  [/^geese$/i, null],
  [/(quiz)zes$/i, null],
  [/^(whereas)es$/i, null],
  [/^(criteri)a$/i, null],
  [/^genera$/i, null],
  // Singular → plural.
  [/^(m|wom)an$/i, '$1en'],
  [/(pe)rson$/i, '$1ople'],
  [/(child)$/i, '$1ren'],
  [/(drive)$/i, '$1s'],
  [/^(ox)$/i, '$1en'],
  [/(ax|test)is$/i, '$1es'],
  [/(octop|vir)us$/i, '$1uses'],
  [/(alias|status|canvas|campus)$/i, '$1es'],
  [/^(summons|bonus)$/i, '$1es'],
  [/(bu)s$/i, '$1ses'],
  [/(buffal|tomat|potat)o$/i, '$1oes'],
  [/([ti])um$/i, '$1a'],
  [/sis$/i, 'ses'],
  [/(?:([^f])fe|([lr])f)$/i, '$1$2ves'],
  [/(hi|ti)ve$/i, '$1ves'],
  [/([^aeiouy]|qu)y$/i, '$1ies'],
  [/(matr)ix$/i, '$1ices'],
  [/(vert|ind)ex$/i, '$1ices'],
  [/(x|ch|ss|sh)$/i, '$1es'],
  [/([m|l])ouse$/i, '$1ice'],
  [/^foot$/i, 'feet'],
  [/^tooth$/i, 'teeth'],
  [/^goose$/i, 'geese'],
  [/(quiz)$/i, '$1zes'],
  [/^(whereas)$/i, '$1es'],
  [/^(criteri)on$/i, '$1a'],
  [/^genus$/i, 'genera'],
  [/s$/i, 's'],
  [/$/, 's'],
];

/** The plural Sequelize gives a model name: `User` → `Users`, `Category` → `Categories`, `Person` → `People`. */
export function pluralize(word: string): string {
  if (UNCOUNTABLE.has(word.toLowerCase())) return word;
  for (const [pattern, replacement] of RULES) {
    if (!pattern.test(word)) continue;
    return replacement === null ? word : word.replace(pattern, replacement);
  }
  return word;
}

/** Sequelize's `underscore` (inflection's): an underscore before each capital, the leading one dropped, lower case. */
export function underscore(word: string): string {
  return word.replace(/([A-Z])/g, '_$1').replace(/^_/, '').toLowerCase();
}
