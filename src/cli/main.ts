#!/usr/bin/env node
import { CommanderError } from 'commander';
import { buildProgram, exitCodeOf } from './program.js';
import { reportFailure } from './run.js';

// A reader that stops early (`musubi search … | head`) closes the pipe: nothing more can be delivered, so stop
// quietly as `head`'s other writers do, instead of dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.exitCode = reportFailure(e, false);
  });
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  process.exitCode = e instanceof CommanderError ? exitCodeOf(e) : reportFailure(e, false);
}
