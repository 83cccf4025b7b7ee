export { clientAddressReader, type TrustProxy, type ForwardedHeader } from "./trust-proxy";
export { canonicalAddress } from "./address";
