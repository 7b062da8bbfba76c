// The policy judge, run as its own short-lived process (see judge-remote.ts for why): reads
// one JudgeRequest from stdin, writes one answer (judge-answer.ts) to stdout, exits. Anything
// unexpected ends the process with a non-zero code, which the agent records as a refusal
// (fail closed).
import { answerJudgeRequest } from './judge-answer.js';
import type { JudgeRequest } from './judge-protocol.js';

const chunks: Buffer[] = [];
process.stdin.on('data', (c: Buffer) => chunks.push(c));
process.stdin.on('end', () => {
  const req = JSON.parse(Buffer.concat(chunks).toString('utf8')) as JudgeRequest;
  // No process.exit(): stdout is a pipe and must drain; the process ends when it has.
  process.stdout.write(JSON.stringify(answerJudgeRequest(req)));
});
