#!/usr/bin/env bash
# rollsafe's hook through the real pre-commit framework (https://pre-commit.com), as a user sets it up:
# a repository whose .pre-commit-config.yaml names rollsafe's repository and the `rollsafe` hook of its
# .pre-commit-hooks.yaml. pre-commit installs the hook from git (`npm install -g git+file://…`, which
# builds rollsafe through its `prepare`), then a commit that stages an unsafe migration must be blocked and
# a safe one must go through.
#
#   scripts/pre-commit-e2e.sh            # the committed HEAD of this checkout
#
# Environment:
#   PRE_COMMIT       a pre-commit executable to use; without it, pre-commit is installed into a temporary
#                    virtualenv with python3 -m pip (needs PyPI)
#   PRE_COMMIT_HOME  pre-commit's cache (default: a temporary folder, so the hook is installed fresh); CI
#                    can keep it between runs
#   KEEP_TMP=1       keep the temporary folder (printed) for a look after a failure
#
# Exit 0 when both commits behave, 1 when one does not, 2 when a tool is missing.
set -euo pipefail

checkout=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rollsafe-pre-commit-e2e.XXXXXX")
cleanup() { if [ "${KEEP_TMP:-}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }
fail() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }

for tool in git node npm; do
  command -v "$tool" >/dev/null || { echo "pre-commit-e2e: $tool is not installed" >&2; exit 2; }
done

if [ -n "${PRE_COMMIT:-}" ]; then
  pre_commit=$PRE_COMMIT
else
  command -v python3 >/dev/null || { echo 'pre-commit-e2e: python3 is not installed (or set PRE_COMMIT)' >&2; exit 2; }
  say "installing pre-commit into a virtualenv"
  python3 -m venv "$tmp/venv" || { echo 'pre-commit-e2e: python3 -m venv failed' >&2; exit 2; }
  "$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check pre-commit || { echo 'pre-commit-e2e: pip install pre-commit failed' >&2; exit 2; }
  pre_commit=$tmp/venv/bin/pre-commit
fi
"$pre_commit" --version
export PRE_COMMIT_HOME=${PRE_COMMIT_HOME:-$tmp/pre-commit-home}

# pre-commit installs a hook repository from a git URL at a revision: a clone of this checkout's HEAD.
if [ -n "$(git -C "$checkout" status --porcelain --untracked-files=no)" ]; then
  echo 'note: this checkout has uncommitted changes; the hook is installed from the committed HEAD' >&2
fi
git clone --quiet --no-hardlinks "$checkout" "$tmp/rollsafe"
rev=$(git -C "$tmp/rollsafe" rev-parse HEAD)

app=$tmp/app
git init --quiet -b main "$app"
cd "$app"
git config user.name 'pre-commit e2e'
git config user.email 'e2e@rollsafe.invalid'
git config commit.gpgsign false
mkdir -p db/migrations src
cat > db/migrations/001_customers.sql <<'SQL'
CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, nickname text);
SQL
cat > src/customers.ts <<'TS'
import { Pool } from 'pg';

const pool = new Pool();

export const customerEmail = (id: number) => pool.query('SELECT email FROM customers WHERE id = $1', [id]);
TS
# The recipe of docs/integrations.md ("pre-commit framework"), with this checkout as the repository.
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $tmp/rollsafe
    rev: $rev
    hooks:
      - id: rollsafe
YAML
git add -A
# Deployed long ago: rollsafe softens lock findings on a table created in the last 30 days (it is likely small).
long_ago="$(date -u -d '-120 days' '+%Y-%m-%dT%H:%M:%SZ')"
GIT_AUTHOR_DATE="$long_ago" GIT_COMMITTER_DATE="$long_ago" git commit --quiet -m 'the application, deployed'
"$pre_commit" install

say "installing the hook (pre-commit install-hooks)"
"$pre_commit" install-hooks

say "an unsafe migration: the commit must be blocked"
cat > db/migrations/002_customers_email_idx.sql <<'SQL'
CREATE INDEX customers_email_idx ON customers (email);
SQL
git add db/migrations/002_customers_email_idx.sql
before=$(git rev-parse HEAD)
if git commit -m 'index customers by email' >"$tmp/unsafe.log" 2>&1; then
  cat "$tmp/unsafe.log"
  fail 'the commit of an unsafe migration went through'
fi
cat "$tmp/unsafe.log"
[ "$(git rev-parse HEAD)" = "$before" ] || fail 'HEAD moved although the hook failed'
grep -q 'require-concurrent-index' "$tmp/unsafe.log" || fail 'the hook failed without rollsafe'"'"'s finding (require-concurrent-index)'
git rm --cached --quiet db/migrations/002_customers_email_idx.sql
rm db/migrations/002_customers_email_idx.sql

say "a safe migration: the commit must go through"
cat > db/migrations/002_customers_note.sql <<'SQL'
SET lock_timeout = '5s';
ALTER TABLE customers ADD COLUMN note text;
SQL
git add db/migrations/002_customers_note.sql
if ! git commit -m 'customers get a note' >"$tmp/safe.log" 2>&1; then
  cat "$tmp/safe.log"
  fail 'the commit of a safe migration was blocked'
fi
cat "$tmp/safe.log"
grep -q 'rollsafe\.*Passed' "$tmp/safe.log" || fail 'the hook did not run on the safe commit'
[ "$(git log -1 --format=%s)" = 'customers get a note' ] || fail 'the safe commit is not HEAD'

printf '\nOK: pre-commit installed rollsafe %s from git; it blocked the unsafe migration and let the safe one through.\n' "$rev"
