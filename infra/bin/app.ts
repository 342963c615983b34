#!/usr/bin/env node
import { buildConsole } from '../../console/build';
import { buildApp } from '../app';

// `cdk synth` / `cdk deploy` ship the web apps as built from the current sources (cached by source hash).
buildConsole()
  .then(() => buildApp().synth())
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
