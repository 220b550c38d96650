/**
 * The error types AMB returns, with the HTTP status the service model gives each. Operations
 * throw AmbError; the HTTP layer turns it into the x-amzn-ErrorType header and a message body.
 */

export const AMB_ERROR_STATUS = {
  InvalidRequestException: 400,
  IllegalActionException: 400,
  TooManyTagsException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ResourceAlreadyExistsException: 409,
  ResourceNotReadyException: 409,
  ResourceLimitExceededException: 429,
  ThrottlingException: 429,
  InternalServiceErrorException: 500,
} as const;

export type AmbErrorType = keyof typeof AMB_ERROR_STATUS;

export class AmbError extends Error {
  constructor(
    readonly type: AmbErrorType,
    message: string,
    /** ARN of the resource concerned, for the shapes that carry ResourceName. */
    readonly resourceName?: string,
  ) {
    super(message);
    this.name = type;
  }

  get status(): number {
    return AMB_ERROR_STATUS[this.type];
  }
}

export const invalidRequest = (message: string): AmbError => new AmbError('InvalidRequestException', message);
export const illegalAction = (message: string): AmbError => new AmbError('IllegalActionException', message);
export const accessDenied = (message: string): AmbError => new AmbError('AccessDeniedException', message);
export const notFound = (message: string, arn?: string): AmbError =>
  new AmbError('ResourceNotFoundException', message, arn);
export const notReady = (message: string): AmbError => new AmbError('ResourceNotReadyException', message);
export const alreadyExists = (message: string): AmbError => new AmbError('ResourceAlreadyExistsException', message);
export const limitExceeded = (message: string): AmbError => new AmbError('ResourceLimitExceededException', message);
