/**
 * Alibaba Cloud (Aliyun) envelope classifier: POP/RPC APIs and OSS.
 *
 * Envelopes (https://help.aliyun.com/document_detail/87970.html, https://www.alibabacloud.com/help/doc-detail/50285.htm):
 *   JSON {"RequestId":"...","HostId":"ecs.aliyuncs.com","Code":"InternalError","Message":"...","Recommend":"https://..."}
 *   XML  <Error><RequestId/><HostId/><Code>InternalError</Code><Message/></Error>
 * Field order varies (https://help.aliyun.com/document_detail/149360.htm puts Code last). OSS uses the same
 * `<Error>` root, optionally with xmlns, plus <EC> and <RecommendDoc> (https://alibabacloud.com/help/doc-detail/32005.htm).
 * Errors normally carry 4xx/5xx, but some APIs (SMS) answer business errors with 200, so the code decides.
 *
 * Server-side (cloud-error):
 *   InternalError (+ .*) 500 and ServiceUnavailable (+ .*) 503: the documented "server errors" table
 *     (https://www.alibabacloud.com/help/doc-detail/25964.htm, .../26314.htm).
 *   ServiceUnavailableTemporary, InternalFailure: KMS codes its SDKs back off on (aliyun encryption SDK
 *     BackoffUtils, ack-secret-manager); found in code, not on a docs page.
 *   UnknownError: listed in our brief; NOT confirmed in the stored docs (kept as clearly server-side by name).
 * Throttling (client-error): Throttling, Throttling.User, Throttling.Api (…"denied due to user flow control"),
 *   KMS Rejected.Throttling, OSS SlowDown.
 * Success-looking codes (`"Code":"OK"`, "200", "Success") and `"Success":true` are not errors.
 */
import { OK, envelope, get, prefixRe, str } from './shared.js';

export const aliyun = /* @__PURE__ */ envelope(
  'aliyun',
  // server-side, then throttling (code families: the names and their dotted sub-codes)
  /^(?:InternalError|ServiceUnavailable|ServiceUnavailableTemporary|InternalFailure|UnknownError)(?:\.|$)/,
  /^(?:Throttling|Rejected\.Throttling|SlowDown)(?:\.|$)/,
  [/* @__PURE__ */ prefixRe(['Code'])],
  (j) => {
    const code = str(get(j, 'Code'));
    // A `Code` alone is too common a field name: the envelope also has a RequestId or HostId.
    if (!code || !(str(get(j, 'RequestId')) || str(get(j, 'HostId')))) return undefined;
    return get(j, 'Success') === true ? OK : [code, str(get(j, 'Message')), get(j, 'RequestId')];
  },
  true,
);
