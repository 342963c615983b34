/** `npm start`: runs the whole platform on the local cloud until Ctrl-C. */
import { DEFAULT_OPERATOR_EMAIL, DEFAULT_OPERATOR_PASSWORD, startLocalCloud } from './cloud';

async function main(): Promise<void> {
  const port = Number(process.env.TENANTFLOW_PORT ?? 4000);
  const cloud = await startLocalCloud({
    port,
    dataDir: process.env.TENANTFLOW_DATA_DIR ?? '.tenantflow',
    operatorEmail: process.env.TENANTFLOW_OPERATOR_EMAIL ?? DEFAULT_OPERATOR_EMAIL,
    operatorPassword: process.env.TENANTFLOW_OPERATOR_PASSWORD ?? DEFAULT_OPERATOR_PASSWORD,
    verbose: process.env.TENANTFLOW_VERBOSE === '1',
    onSkippedType: (type) => console.log(`  (skipped locally: ${type})`),
  });
  // From process start, so loading the CDK and the emulators counts too.
  const seconds = process.uptime().toFixed(1);
  console.log(`
tenantflow local cloud ready in ${seconds} s
  console            ${cloud.consoleUrl}/
  config             ${cloud.consoleUrl}/config.json
  control-plane API  ${cloud.controlPlaneApiUrl}
  pooled tenant API  ${cloud.pooledApiUrl}
  cognito endpoint   ${cloud.cognitoEndpoint}
  mail outbox        ${cloud.consoleUrl}/local/outbox
  operator login     ${cloud.operatorEmail} / ${cloud.operatorPassword}
Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await cloud.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error('tenantflow failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
