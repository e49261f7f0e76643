/**
 * Every address rollsafe prints, in one place. The documentation ships inside the npm package (`docs/`), so
 * links point at the files of the installed version as the npm registry serves them (unpkg serves every file
 * of every published version), and `rollsafe explain <rule>` prints the same page offline.
 */
import { ROLLSAFE_VERSION } from './version.js';

/** The package's page on npm: what SARIF names as the tool's home. */
export const PACKAGE_URL = 'https://www.npmjs.com/package/rollsafe';

/** `docs/` of this version of the package. */
export const DOCS_URL = `https://unpkg.com/rollsafe@${ROLLSAFE_VERSION}/docs/`;

/** `docs/rules/` of this version of the package; a rule's page is `<id>.md` below it. */
export const RULE_DOCS_URL = `${DOCS_URL}rules/`;
