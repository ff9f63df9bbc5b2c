#include "core/ikev2/ts_payload.h"

#include <string>

#include "core/ikev2/internal/wire.h"

namespace ikewot::ikev2 {
namespace {

using internal::Num;

constexpr size_t kSelectorHeaderSize = 4;

Status ParseSelector(Reader& r, TrafficSelector* out) {
  size_t start = r.offset();
  uint8_t type = 0;
  uint16_t length = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(r, "traffic selector header", &type));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(r, "traffic selector header", &out->ip_protocol));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(r, "traffic selector header", &length));
  out->type = static_cast<TsType>(type);
  uint16_t expected = 0;
  if (out->type == TsType::kIpv4AddrRange) expected = kTsIpv4SelectorLength;
  if (out->type == TsType::kIpv6AddrRange) expected = kTsIpv6SelectorLength;
  if (expected != 0 && length != expected) {
    return MakeError(ErrorCode::kBadLength,
                     std::string(Name(out->type)) + " selector length must be " + Num(expected) +
                         ", got " + Num(length),
                     start + 2);
  }
  Reader body;
  IKEWOT_RETURN_IF_ERROR(internal::ReadCountedBody(r, "traffic selector", length,
                                                   kSelectorHeaderSize, start + 2, &body));
  if (expected == 0) {
    if (out->type == TsType::kSecLabel && body.empty()) {
      return MakeError(ErrorCode::kBadLength, "TS_SECLABEL carries an empty security label",
                       start + 2);  // RFC 9478 §2
    }
    return internal::CopyBytes(body, body.remaining(), "selector data", &out->opaque_data);
  }
  size_t address_size = (expected - 8) / 2;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(body, "start port", &out->start_port));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(body, "end port", &out->end_port));
  IKEWOT_RETURN_IF_ERROR(
      internal::CopyBytes(body, address_size, "starting address", &out->start_address));
  IKEWOT_RETURN_IF_ERROR(
      internal::CopyBytes(body, address_size, "ending address", &out->end_address));
  return body.ExpectEmpty("traffic selector");
}

Status WriteSelector(const TrafficSelector& ts, Writer& w) {
  size_t start = w.size();
  w.U8(static_cast<uint8_t>(ts.type));
  w.U8(ts.ip_protocol);
  auto length = w.Reserve16(start);
  if (ts.IsAddressRange()) {
    size_t address_size = ts.type == TsType::kIpv4AddrRange ? 4 : 16;
    if (ts.start_address.size() != address_size || ts.end_address.size() != address_size) {
      return MakeError(ErrorCode::kBadValue,
                       std::string(Name(ts.type)) + " needs two " + Num(address_size) +
                           "-octet addresses, got " + Num(ts.start_address.size()) + " and " +
                           Num(ts.end_address.size()),
                       start);
    }
    if (!ts.opaque_data.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "an address-range selector cannot carry opaque data", start);
    }
    w.U16(ts.start_port);
    w.U16(ts.end_port);
    w.Append(ts.start_address);
    w.Append(ts.end_address);
  } else {
    if (ts.type == TsType::kSecLabel && ts.opaque_data.empty()) {
      return MakeError(ErrorCode::kBadLength, "TS_SECLABEL needs a security label", start);
    }
    w.Append(ts.opaque_data);
  }
  return w.Close(length);
}

}  // namespace

bool TrafficSelector::IsAddressRange() const {
  return type == TsType::kIpv4AddrRange || type == TsType::kIpv6AddrRange;
}

TrafficSelector MakeAddressRangeSelector(uint8_t ip_protocol, uint16_t start_port,
                                         uint16_t end_port, Bytes start_address,
                                         Bytes end_address) {
  TrafficSelector ts;
  ts.type = start_address.size() == 16 ? TsType::kIpv6AddrRange : TsType::kIpv4AddrRange;
  ts.ip_protocol = ip_protocol;
  ts.start_port = start_port;
  ts.end_port = end_port;
  ts.start_address = std::move(start_address);
  ts.end_address = std::move(end_address);
  return ts;
}

Result<TsPayload> ParseTsPayload(Reader& body) {
  size_t start = body.offset();
  TsPayload payload;
  uint8_t count = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "number of TSs", &count));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU24(body, "TS reserved field", &payload.reserved));
  if (count == 0) {
    return MakeError(ErrorCode::kBadValue, "TS payload announces no traffic selector", start);
  }
  for (size_t i = 0; i < count; ++i) {
    TrafficSelector selector;
    IKEWOT_RETURN_IF_ERROR(ParseSelector(body, &selector));
    payload.selectors.push_back(std::move(selector));
  }
  if (!body.empty()) return body.ExpectEmpty("TS payload after its " + Num(count) + " selectors");
  return payload;
}

Status WriteTsPayload(const TsPayload& ts, Writer& w) {
  if (ts.selectors.empty() || ts.selectors.size() > 255) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a TS payload needs 1..255 selectors, got " + Num(ts.selectors.size()),
                     w.size());
  }
  IKEWOT_RETURN_IF_ERROR(internal::CheckFits(ts.reserved, 24, "TS reserved field"));
  w.U8(static_cast<uint8_t>(ts.selectors.size()));
  w.U24(ts.reserved);
  for (const TrafficSelector& selector : ts.selectors) {
    IKEWOT_RETURN_IF_ERROR(WriteSelector(selector, w));
  }
  return Status::Ok();
}

}  // namespace ikewot::ikev2
