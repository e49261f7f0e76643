/**
 * action/comment.mjs against a fake GitHub API (an HTTP server on 127.0.0.1): one comment per pull request,
 * found again by its hidden marker and edited in place; nothing for forks without a token given; a failing
 * API is a warning, never a failed step.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/built.js';

interface Comment {
  id: number;
  body: string;
}
interface Request {
  method: string;
  url: string;
  auth: string;
  body: unknown;
}

const MARKER = '<!-- rollsafe-action-comment -->';
let server: Server;
let api = '';
let comments: Comment[] = [];
let requests: Request[] = [];
let failWith: number | null = null;
const dir = mkdtempSync(join(tmpdir(), 'rollsafe-comment-'));

async function readBody(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? JSON.parse(text) : null;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      requests.push({ method: req.method!, url: req.url!, auth: req.headers.authorization ?? '', body });
      const send = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (failWith) return send(failWith, { message: 'Resource not accessible by integration' });
      const url = new URL(req.url!, 'http://127.0.0.1');
      let m: RegExpExecArray | null;
      if (req.method === 'GET' && /^\/repos\/owner\/app\/issues\/7\/comments$/.test(url.pathname)) {
        const page = Number(url.searchParams.get('page') ?? '1');
        const per = Number(url.searchParams.get('per_page') ?? '30');
        return send(200, comments.slice((page - 1) * per, page * per));
      }
      if (req.method === 'POST' && /^\/repos\/owner\/app\/issues\/7\/comments$/.test(url.pathname)) {
        const comment = { id: 1000 + comments.length, body: (body as { body: string }).body };
        comments.push(comment);
        return send(201, comment);
      }
      if (req.method === 'PATCH' && (m = /^\/repos\/owner\/app\/issues\/comments\/(\d+)$/.exec(url.pathname))) {
        const id = Number(m[1]);
        const comment = comments.find((c) => c.id === id);
        if (!comment) return send(404, {});
        comment.body = (body as { body: string }).body;
        return send(200, comment);
      }
      send(404, { message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  api = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  comments = [];
  requests = [];
  failWith = null;
});

function post(env: Record<string, string>, summary = '## rollsafe\n\n✖ 1 error\n'): Promise<{ code: number | null; stdout: string }> {
  const summaryFile = join(dir, 'summary.md');
  const eventFile = join(dir, 'event.json');
  writeFileSync(summaryFile, summary);
  writeFileSync(eventFile, JSON.stringify({ pull_request: { number: 7 } }));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'action', 'comment.mjs')], {
      env: {
        PATH: process.env.PATH,
        GITHUB_API_URL: api,
        GITHUB_REPOSITORY: 'owner/app',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventFile,
        GITHUB_TOKEN: 'default-token',
        SUMMARY_FILE: summaryFile,
        EXIT_CODE: '1',
        FORK: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('the pull request comment', () => {
  it('is posted once, then edited in place on the next run (one comment, found by its marker)', async () => {
    comments.push({ id: 1, body: 'LGTM' });
    expect((await post({})).code).toBe(0);
    expect(comments.map((c) => c.id)).toEqual([1, 1001]);
    expect(comments[1]!.body).toBe(`${MARKER}\n## rollsafe\n\n✖ 1 error\n`);
    expect(requests.every((r) => r.auth === 'Bearer default-token')).toBe(true);
    await post({}, '## rollsafe\n\n✖ 2 errors\n');
    expect(comments).toHaveLength(2);
    expect(comments[1]!.body).toContain('✖ 2 errors');
    expect(requests.at(-1)).toMatchObject({ method: 'PATCH', url: '/repos/owner/app/issues/comments/1001' });
    // Clean now: the earlier comment is updated (it would be stale), no new one is added.
    await post({ EXIT_CODE: '0' }, '## rollsafe\n\n✔ No problems\n');
    expect(comments).toHaveLength(2);
    expect(comments[1]!.body).toContain('✔ No problems');
  });

  it('finds its comment past the first page of a long discussion', async () => {
    for (let i = 0; i < 130; i++) comments.push({ id: i + 1, body: `comment ${i}` });
    comments.push({ id: 500, body: `${MARKER}\nold` });
    await post({});
    expect(comments).toHaveLength(131);
    expect(comments.at(-1)!.body).toContain('✖ 1 error');
    expect(requests.filter((r) => r.method === 'GET').map((r) => new URL(r.url, api).searchParams.get('page'))).toEqual(['1', '2']);
  });

  it('a clean run with nothing said before posts nothing', async () => {
    const run = await post({ EXIT_CODE: '0' }, '## rollsafe\n\n✔ No problems\n');
    expect(run.stdout).toContain('clean, no pull request comment needed');
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('for a fork: nothing without a token given, and posts with the token given', async () => {
    const skipped = await post({ FORK: 'true' });
    expect(skipped.stdout).toContain('::notice title=rollsafe::no pull request comment for a pull request from a fork');
    expect(requests).toEqual([]);
    await post({ FORK: 'true', COMMENT_TOKEN: 'bot-token' });
    expect(comments).toHaveLength(1);
    expect(requests.every((r) => r.auth === 'Bearer bot-token')).toBe(true);
  });

  it('an API that refuses (403) gives a warning and exit 0', async () => {
    failWith = 403;
    const run = await post({});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/::warning title=rollsafe::cannot comment on the pull request: GET \/repos\/owner\/app\/issues\/7\/comments\?per_page=100&page=1: HTTP 403/);
  });

  it('outside a pull request it does nothing', async () => {
    const run = await post({ GITHUB_EVENT_NAME: 'push' });
    expect(run.code).toBe(0);
    expect(requests).toEqual([]);
  });
});
