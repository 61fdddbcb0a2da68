#!/usr/bin/env node
// The `tzimtzum` command. Runs the TypeScript sources directly (through tsx), so `npx tzimtzum` works
// right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
