#!/usr/bin/env bash
# The step of rollsafe's GitHub Action that runs rollsafe (action.yml calls it; test/action runs it against
# fake event payloads). Inputs arrive as INPUT_* environment variables, the event as GITHUB_EVENT_NAME and
# GITHUB_EVENT_PATH, exactly as on a runner; nothing from the event or the inputs is evaluated as shell code.
#
# Outputs (to $GITHUB_OUTPUT): exit-code, sarif-file, sarif-ok, fork, summary-file.
# The script itself always exits 0: the action's last step fails the job with exit-code.
set -u
set +e

action_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
helper() { node "$action_dir/helper.mjs" "$@"; }
output() { printf '%s=%s\n' "$1" "$2" >> "${GITHUB_OUTPUT:-/dev/null}"; }
finish() {
  output exit-code "$1"
  exit 0
}
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"

# --- Who wrote the code in this checkout -------------------------------------------------------------------
# A pull request whose head is another repository (a fork, or a deleted one: head.repo is null) is untrusted:
# nothing it brings runs, not its node_modules, not the rollsafe version or `file:` spec its package.json
# names, not its JS/TS config. It runs the rollsafe this action pins (the version of the action itself).
event="${GITHUB_EVENT_NAME:-}"
fork=false
case "$event" in
  pull_request | pull_request_target | pull_request_review | pull_request_review_comment)
    head_repo=$(helper event pull_request.head.repo.full_name)
    if [ "$head_repo" != "${GITHUB_REPOSITORY:-}" ] || [ -z "$head_repo" ]; then fork=true; fi
    ;;
esac
trusted=true
if [ "$fork" = true ] && [ "${INPUT_TRUST:-false}" != "true" ]; then
  trusted=false
  export ROLLSAFE_NO_CODE_CONFIG=1
fi
output fork "$fork"

# --- Which rollsafe runs -----------------------------------------------------------------------------------
action_version=$(helper action-version)
registry_spec() {
  # An npm version, range or dist-tag: nothing that names a path, a URL or a git repository.
  case "$1" in
    '' | *[!A-Za-z0-9.^~\<\>=\|\ *+-]*) return 1 ;;
    *) return 0 ;;
  esac
}
spec=""
rollsafe=()
if [ -n "${INPUT_VERSION:-}" ]; then
  if ! registry_spec "$INPUT_VERSION"; then
    echo "::error title=rollsafe action::the version input must be an npm version or range, got \"${INPUT_VERSION//[$'\r\n']/ }\""
    finish 2
  fi
  spec="$INPUT_VERSION"
elif [ "$trusted" = true ] && [ -x node_modules/.bin/rollsafe ]; then
  rollsafe=(node_modules/.bin/rollsafe)
elif [ "$trusted" = true ]; then
  wanted=$(helper wanted-version)
  if registry_spec "$wanted"; then spec="$wanted"; else spec="$action_version"; fi
else
  spec="$action_version"
fi
if [ -z "${rollsafe[*]-}" ]; then
  if [ -z "$spec" ]; then
    echo "::error title=rollsafe action::cannot tell which rollsafe to run (no version in $action_dir/package.json)"
    finish 2
  fi
  # Installed into a folder of its own, from outside the checkout: the project's .npmrc, node_modules and
  # package.json play no part (npx run in the project would prefer a local copy that satisfies the spec).
  tool_dir="$tmp/rollsafe-action/$(printf '%s' "$spec" | tr -c 'A-Za-z0-9.-' '_')"
  mkdir -p "$tool_dir"
  if ! (cd "$tool_dir" && npm install --prefix "$tool_dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "rollsafe@$spec" >&2); then
    echo "::error title=rollsafe action::npm could not install rollsafe@$spec"
    finish 2
  fi
  rollsafe=("$tool_dir/node_modules/.bin/rollsafe")
fi

# --- The base: the release still running ------------------------------------------------------------------
zero_sha() { case "$1" in *[!0]*) return 1 ;; *) return 0 ;; esac; }
base="${INPUT_BASE:-}"
if [ -z "$base" ]; then
  case "$event" in
    pull_request | pull_request_target | pull_request_review | pull_request_review_comment)
      if [ -n "${GITHUB_BASE_REF:-}" ]; then base="origin/$GITHUB_BASE_REF"; fi
      ;;
    merge_group)
      # The merge queue tests the queued commits on top of the target branch as it is.
      base=$(helper event merge_group.base_sha)
      ;;
    push)
      before=$(helper event before)
      if [ -n "$before" ] && ! zero_sha "$before"; then
        base="$before"
      else
        # A new branch (before is all zeros): compare with the default branch, unless this is it.
        default_branch=$(helper event repository.default_branch)
        if [ -n "$default_branch" ] && [ "$default_branch" != "${GITHUB_REF_NAME:-}" ]; then base="origin/$default_branch"; fi
      fi
      ;;
  esac
fi
base_args=()
if [ -n "$base" ]; then
  # actions/checkout fetches one commit; rollsafe needs the base release's tree too (one commit is enough).
  if ! git rev-parse --verify --quiet --end-of-options "$base^{commit}" > /dev/null 2>&1; then
    case "$base" in
      origin/*) git fetch --no-tags --depth=1 origin "+refs/heads/${base#origin/}:refs/remotes/$base" >&2 ;;
      *)
        if [[ "$base" =~ ^[0-9a-f]{40}([0-9a-f]{24})?$ ]]; then git fetch --no-tags --depth=1 origin "$base" >&2; fi
        ;;
    esac
  fi
  base_args=(--base "$base")
fi

# --- More arguments, split as a shell would split them (quotes survive) -----------------------------------
extra=()
args_file="$tmp/rollsafe-args.$$"
if ! INPUT_ARGS="${INPUT_ARGS:-}" helper args > "$args_file"; then
  echo "::error title=rollsafe action::the args input has an unmatched quote"
  finish 2
fi
while IFS= read -r -d '' word; do extra+=("$word"); done < "$args_file"
rm -f "$args_file"

# --- Run ---------------------------------------------------------------------------------------------------
sarif="$tmp/rollsafe.sarif"
GITHUB_STEP_SUMMARY='' "${rollsafe[@]}" check ${base_args[@]+"${base_args[@]}"} ${extra[@]+"${extra[@]}"} --format sarif > "$sarif"
sarif_code=$?
if [ "${INPUT_ANNOTATIONS:-true}" != "true" ]; then export ROLLSAFE_NO_GITHUB_ANNOTATIONS=1; fi
# The readable report; on GitHub Actions rollsafe follows it with annotations, and writes its Markdown
# summary to the file GITHUB_STEP_SUMMARY names: a file of ours, copied into the job summary and, when asked,
# posted as the pull request comment.
summary="$tmp/rollsafe-summary.md"
: > "$summary"
GITHUB_STEP_SUMMARY="$summary" "${rollsafe[@]}" check ${base_args[@]+"${base_args[@]}"} ${extra[@]+"${extra[@]}"}
code=$?
if [ -s "$summary" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$summary" >> "$GITHUB_STEP_SUMMARY"; fi

output sarif-file "$sarif"
if [ "$sarif_code" -le 1 ] && [ -s "$sarif" ]; then output sarif-ok true; fi
if [ -s "$summary" ]; then output summary-file "$summary"; fi
finish "$code"
