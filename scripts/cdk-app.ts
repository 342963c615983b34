#!/usr/bin/env node
/**
 * The `cdk` app command (cdk.json): `cdk synth` / `cdk deploy` ship the web apps as built from the
 * current sources (cached by source hash), so the build runs first and hands its directory to the
 * CDK app. It lives here, not in infra/, so that infra/ never imports console/ (nor, through it, local/).
 */
import { buildConsole } from '../console/build';
import { buildApp } from '../infra/app';

buildConsole()
  .then(({ dir }) => buildApp({ siteDir: dir }).synth())
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
