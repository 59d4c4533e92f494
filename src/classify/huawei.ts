/**
 * Huawei Cloud envelope classifier.
 *
 * Envelopes:
 *   {"error_code":"APIGW.0301","error_msg":"...","request_id":"..."}  API Gateway (APIGW.*) and most services' own codes
 *     (e.g. https://support.huaweicloud.com/api-devsecurity/ErrorCode.md; gateway table:
 *     https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-errorcode.html)
 *   {"errorCode":"ASM.01400001","errorMsg":"..."}                      camelCase variant (https://support.huaweicloud.com/api-asm/ErrorCode.md)
 *   {"error":{"code":"...","message":"..."}}                           nested variant; Keystone-style IAM puts a number in `code`
 *   <Error><Code>InternalError</Code>...</Error>                       OBS, S3-compatible (https://support.huaweicloud.com/intl/en-us/api-obs/obs_04_0115.html)
 *
 * Server-side: what we could confirm is that Huawei signals server faults with the HTTP status. The shared API gateway
 * uses ONE code for both sides: APIGW.0201 is "API request error" (400) but also "Backend unavailable" (502) and
 * "Backend timeout" (504); service tables list their internal errors with 500 (ASM.01500001, "SG.XXXX2000"...). So an
 * envelope with a 5xx status is a cloud-error, and only OBS's S3-style InternalError / ServiceUnavailable count by code.
 * NOT confirmed, so NOT used: a cross-service "system error" code family (`SYS.*`, codes ending in `.0500`); some
 * services even return their error envelopes with 200 (OSM.0101xxxx parameter errors), which stay client-errors.
 * Throttling: APIGW.0308 / APIG.0308 "The throttling threshold has been reached" (429), OBS SlowDown.
 */
import { codeOf, envelope, get, prefixRe, str } from './shared.js';

export const huawei = /* @__PURE__ */ envelope(
  'huawei',
  // server-side, then throttling (code families: the names and their dotted sub-codes)
  /^(?:InternalError|ServiceUnavailable)(?:\.|$)/,
  /^(?:APIGW\.0308|APIG\.0308|SlowDown)(?:\.|$)/,
  [
    /* @__PURE__ */ prefixRe(['error_code']),
    /* @__PURE__ */ prefixRe(['errorCode']),
    /* @__PURE__ */ prefixRe(['error', 'code'], true),
  ],
  (j) => {
    const nested = get(j, 'error');
    return [
      codeOf(get(j, 'error_code')) ?? codeOf(get(j, 'errorCode')) ?? codeOf(get(nested, 'code')),
      str(get(j, 'error_msg')) ?? str(get(j, 'errorMsg')) ?? str(get(nested, 'message')),
      get(j, 'request_id'),
    ];
  },
  true,
);
