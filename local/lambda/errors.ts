/** The local Lambda service's errors, named as Lambda names them (Step Functions matches on the names). */

/** A function error, named like Lambda's errorType so Step Functions can match it. */
export class FunctionError extends Error {
  constructor(
    name: string,
    message: string,
    readonly functionName: string,
  ) {
    super(message);
    this.name = name;
  }
}

/** Invoke of a function that does not exist (or was removed while the invocation waited). */
export class FunctionNotFoundError extends Error {
  constructor(nameOrArn: string) {
    super(`Function not found: ${nameOrArn}`);
    this.name = 'ResourceNotFoundException';
  }
}
