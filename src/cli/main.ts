#!/usr/bin/env node
import { CommanderError } from 'commander';
import { buildProgram, exitCodeOf } from './program.js';
import { reportFailure } from './run.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  process.exitCode = e instanceof CommanderError ? exitCodeOf(e) : reportFailure(e, false);
}
