// The action's optional pull-request comment: rollsafe's Markdown summary as one comment, found again by a
// hidden marker and edited in place on every run (as squawk-action and atlas-action do), never a new one per
// push. Off for pull requests from forks unless a token with rights is given (comment-token): their
// github.token cannot write. A failure to post is a warning, never a failed job.
//
// Env: SUMMARY_FILE, EXIT_CODE (rollsafe's), FORK, COMMENT_TOKEN (the comment-token input), GITHUB_TOKEN,
// GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH.
/* global fetch, AbortSignal */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const MARKER = '<!-- rollsafe-action-comment -->';
/** GitHub refuses comment bodies over 65,536 characters. */
const MAX_BODY = 65000;

function log(line) {
  process.stdout.write(`${line}\n`);
}

/** One-line text for a workflow command. */
function oneLine(text) {
  return String(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function commentBody(summary) {
  const text = summary.length > MAX_BODY ? `${summary.slice(0, MAX_BODY)}\n\n… (cut: the full report is in the job summary)` : summary;
  return `${MARKER}\n${text}`;
}

async function api(base, token, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${token}`,
      'x-github-api-version': '2022-11-28',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
  return response.status === 204 ? null : response.json();
}

/** The id of our earlier comment on the pull request, or null. */
async function findComment(base, token, repo, number) {
  for (let page = 1; page <= 50; page++) {
    const comments = await api(base, token, 'GET', `/repos/${repo}/issues/${number}/comments?per_page=100&page=${page}`);
    if (!Array.isArray(comments)) return null;
    const ours = comments.find((c) => typeof c?.body === 'string' && c.body.startsWith(MARKER));
    if (ours) return ours.id;
    if (comments.length < 100) return null;
  }
  return null;
}

export async function main(env = process.env) {
  const event = env.GITHUB_EVENT_NAME ?? '';
  if (!event.startsWith('pull_request')) {
    log(`rollsafe: no pull request comment on a ${event || 'non-'} event`);
    return 0;
  }
  if (env.FORK === 'true' && !env.COMMENT_TOKEN) {
    log('::notice title=rollsafe::no pull request comment for a pull request from a fork: its github.token cannot write (give comment-token to allow it)');
    return 0;
  }
  const token = env.COMMENT_TOKEN || env.GITHUB_TOKEN;
  const repo = env.GITHUB_REPOSITORY ?? '';
  let number;
  try {
    number = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH ?? '', 'utf8'))?.pull_request?.number;
  } catch {
    number = undefined;
  }
  if (!token || !/^[\w.-]+\/[\w.-]+$/.test(repo) || !Number.isInteger(number)) {
    log('::warning title=rollsafe::cannot comment on the pull request: no token, repository or pull request number');
    return 0;
  }
  let summary;
  try {
    summary = readFileSync(env.SUMMARY_FILE ?? '', 'utf8');
  } catch {
    summary = '';
  }
  if (summary.trim() === '') summary = env.EXIT_CODE === '0' ? '✔ rollsafe: no problems.\n' : `rollsafe exited with code ${env.EXIT_CODE ?? 'unknown'}; see the job log.\n`;
  const base = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  try {
    const existing = await findComment(base, token, repo, number);
    if (existing !== null) {
      await api(base, token, 'PATCH', `/repos/${repo}/issues/comments/${existing}`, { body: commentBody(summary) });
      log(`rollsafe: updated the pull request comment ${existing}`);
    } else if (env.EXIT_CODE === '0') {
      // Clean, and nothing said before: no comment to add noise.
      log('rollsafe: clean, no pull request comment needed');
    } else {
      const created = await api(base, token, 'POST', `/repos/${repo}/issues/${number}/comments`, { body: commentBody(summary) });
      log(`rollsafe: commented on the pull request (${created?.id ?? 'new comment'})`);
    }
  } catch (error) {
    log(`::warning title=rollsafe::cannot comment on the pull request: ${oneLine(error instanceof Error ? error.message : error)}`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
