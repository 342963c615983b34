/** An error of the CloudFormation API: `name` is the AWS error code (ValidationError, AlreadyExistsException, ...). */
export class CloudFormationError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}
