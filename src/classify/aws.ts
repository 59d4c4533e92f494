/**
 * AWS envelope classifier (body only: the `x-amzn-ErrorType` header is not available here).
 *
 * Envelopes:
 *   restXml / S3  <Error><Code>InternalError</Code><Message/>...</Error> (S3 may send it with 200 on CompleteMultipartUpload/CopyObject)
 *   awsQuery      <ErrorResponse><Error><Type>Sender|Receiver</Type><Code/><Message/></Error><RequestId/></ErrorResponse>
 *                 (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html)
 *   ec2Query      <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>
 *                 (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)
 *   awsJson1_0/1_1, restJson1  {"__type":"com.amazonaws.x#InternalFailure","message":"..."} or {"code":"...","message":"..."};
 *                 the code is sanitised like aws/aws-sdk-js-v3 `loadRestJsonErrorCode` (keep before `,` and `:`, after `#`).
 *   `<Type>Receiver</Type>` is AWS's own "server fault" flag and counts as a cloud error.
 *
 * Server-side (cloud-error): InternalFailure 500 and ServiceUnavailable 503 ("Common Errors" of every AWS API
 *   reference, e.g. https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html), InternalError and
 *   Unavailable (EC2 server errors), InternalServerError, InternalServerException, InternalServiceError,
 *   InternalServiceException, ServiceUnavailableException (modelled exceptions of smithy services).
 * Throttling (client-error, the cloud is up and pushing back on this caller), the list of boto/botocore
 *   botocore/retries/standard.py `_THROTTLED_ERROR_CODES`: Throttling, ThrottlingException, ThrottledException,
 *   RequestThrottledException, TooManyRequestsException, ProvisionedThroughputExceededException,
 *   TransactionInProgressException, RequestLimitExceeded, BandwidthLimitExceeded, LimitExceededException,
 *   RequestThrottled, SlowDown (S3, even though it is a 503), PriorRequestNotComplete, EC2ThrottledException.
 * EC2 Insufficient*Capacity codes are not in the server list (a sold-out instance type is not the API failing); EC2 sends
 *   them with a 5xx status, so they still count through the shared 5xx rule, exactly as the proxy's own 5xx counting would.
 * JSON bodies on 2xx only count when the code is server-side (a stray `code`/`message` pair in a successful body is not an error).
 */
import type { ProviderClassifier } from './types.js';
import { get, judge, prefixRe, scan, str } from './shared.js';

const SERVER =
  /^(?:InternalError|InternalFailure|InternalServerError|InternalServerException|InternalServiceError|InternalServiceException|ServiceUnavailable|ServiceUnavailableException|Unavailable)(?:\.|$)/;
const THROTTLE =
  /^(?:Throttling|ThrottlingException|ThrottledException|RequestThrottledException|TooManyRequestsException|ProvisionedThroughputExceededException|TransactionInProgressException|RequestLimitExceeded|BandwidthLimitExceeded|LimitExceededException|RequestThrottled|SlowDown|PriorRequestNotComplete|EC2ThrottledException)(?:\.|$)/;
const PREFIXES = [/* @__PURE__ */ prefixRe(['__type'])];

export const aws: ProviderClassifier = (input, p) => {
  let raw: string | undefined;
  let message: string | undefined;
  if (p.xml) {
    const { code, message: m, type, requestId } = p.xml;
    return judge('aws', input, code, m, requestId, SERVER, THROTTLE, type === 'Receiver');
  }
  if (p.json !== undefined) {
    const j = p.json;
    message = str(get(j, 'message')) ?? str(get(j, 'Message'));
    raw = str(get(j, '__type')) ?? (message === undefined ? undefined : str(get(j, 'code')));
  } else {
    raw = scan(PREFIXES, input.body);
  }
  if (raw === undefined) return undefined;
  // `aws.protocoltests.restjson#FooError:http://internal.amazon.com/...` → `FooError`
  const code = raw.split(/[,:]/)[0]!.replace(/^[^#]*#/, '').trim();
  if (!code || (input.status < 300 && !SERVER.test(code))) return undefined;
  // JSON protocols carry the id only in the x-amzn-RequestId header, which is not classified.
  return judge('aws', input, code, message, undefined, SERVER, THROTTLE);
};
