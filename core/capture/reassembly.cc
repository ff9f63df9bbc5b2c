#include "core/capture/reassembly.h"

#include <algorithm>
#include <cstdio>

namespace ikewot::capture {

std::string FragmentReassembler::Describe(const Key& key) {
  char id[16];
  std::snprintf(id, sizeof(id), "0x%x", key.id);
  return "IPv" + std::to_string(key.version) + " datagram " + id + " from " +
         key.source.ToString() + " to " + key.destination.ToString();
}

void FragmentReassembler::Drop(std::map<Key, Pending>::iterator it, size_t packet_number,
                               const std::string& why, std::vector<CaptureNote>* notes) {
  notes->push_back({packet_number, Describe(it->first) + " dropped: " + why});
  buffered_ -= it->second.buffered;
  pending_.erase(it);
}

std::optional<ReassembledPacket> FragmentReassembler::Add(const IpPacket& fragment,
                                                          size_t packet_number, TimePoint timestamp,
                                                          std::vector<CaptureNote>* notes) {
  Key key{fragment.version, fragment.source, fragment.destination, fragment.fragment_id,
          fragment.version == 4 ? fragment.protocol : uint8_t{0}};
  size_t offset = fragment.fragment_offset;
  size_t length = fragment.payload.size();
  size_t end = offset + length;
  // RFC 791 / RFC 8200 §4.5: every fragment but the last carries a multiple of 8 octets.
  if (length == 0 || (fragment.more_fragments && length % 8 != 0)) {
    notes->push_back({packet_number, Describe(key) + ": fragment of " + std::to_string(length) +
                                         " octets ignored (must be a non-empty multiple of 8)"});
    return std::nullopt;
  }
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    if (pending_.size() >= limits_.max_pending_datagrams) {
      // Evict the datagram that has waited longest (lowest first packet number).
      auto oldest = std::min_element(pending_.begin(), pending_.end(), [](auto& a, auto& b) {
        return a.second.packet_numbers.front() < b.second.packet_numbers.front();
      });
      Drop(oldest, packet_number, "too many incomplete datagrams at once", notes);
    }
    it = pending_.emplace(key, Pending{}).first;
  }
  Pending& p = it->second;
  p.packet_numbers.push_back(packet_number);
  if (end > limits_.max_datagram_octets) {
    Drop(it, packet_number,
         "reassembled size would exceed " + std::to_string(limits_.max_datagram_octets) + " octets",
         notes);
    return std::nullopt;
  }
  if (!fragment.more_fragments) {
    if (p.total && *p.total != end) {
      Drop(it, packet_number, "two last fragments disagree on the size", notes);
      return std::nullopt;
    }
    p.total = end;
  }
  if (p.total &&
      (end > *p.total ||
       (!p.pieces.empty() &&
        std::prev(p.pieces.end())->first + std::prev(p.pieces.end())->second.size() > *p.total))) {
    Drop(it, packet_number, "a fragment lies beyond the last fragment", notes);
    return std::nullopt;
  }
  // Overlaps: an identical retransmitted fragment is harmless, anything else is refused.
  for (const auto& [piece_offset, piece] : p.pieces) {
    size_t piece_end = piece_offset + piece.size();
    if (piece_end <= offset || piece_offset >= end) continue;
    if (piece_offset == offset &&
        std::equal(piece.begin(), piece.end(), fragment.payload.begin(), fragment.payload.end())) {
      p.packet_numbers.pop_back();
      return std::nullopt;
    }
    Drop(it, packet_number, "overlapping fragments (RFC 5722)", notes);
    return std::nullopt;
  }
  if (p.pieces.size() >= limits_.max_fragments_per_datagram) {
    Drop(it, packet_number,
         "more than " + std::to_string(limits_.max_fragments_per_datagram) + " fragments", notes);
    return std::nullopt;
  }
  if (buffered_ + length > limits_.max_buffered_octets) {
    Drop(it, packet_number, "reassembly buffer full", notes);
    return std::nullopt;
  }
  if (offset == 0) p.protocol = fragment.protocol;
  p.pieces.emplace(offset, Bytes(fragment.payload.begin(), fragment.payload.end()));
  p.buffered += length;
  buffered_ += length;

  if (!p.total || !p.protocol) return std::nullopt;
  size_t covered = 0;
  for (const auto& [piece_offset, piece] : p.pieces) {
    if (piece_offset != covered) return std::nullopt;  // a hole remains
    covered += piece.size();
  }
  if (covered != *p.total) return std::nullopt;
  ReassembledPacket whole;
  whole.version = key.version;
  whole.source = key.source;
  whole.destination = key.destination;
  whole.protocol = *p.protocol;
  whole.payload.reserve(covered);
  for (const auto& [piece_offset, piece] : p.pieces) {
    whole.payload.insert(whole.payload.end(), piece.begin(), piece.end());
  }
  whole.packet_numbers = std::move(p.packet_numbers);
  whole.timestamp = timestamp;
  buffered_ -= p.buffered;
  pending_.erase(it);
  return whole;
}

std::vector<CaptureNote> FragmentReassembler::Incomplete() const {
  std::vector<CaptureNote> notes;
  for (const auto& [key, p] : pending_) {
    size_t have = 0;
    for (const auto& [offset, piece] : p.pieces) have += piece.size();
    std::string packets;
    for (size_t n : p.packet_numbers) packets += (packets.empty() ? "" : ", ") + std::to_string(n);
    notes.push_back(
        {p.packet_numbers.front(),
         Describe(key) + " never completed: packets " + packets + " hold " + std::to_string(have) +
             " of " + (p.total ? std::to_string(*p.total) : std::string("an unknown number of")) +
             " octets"});
  }
  return notes;
}

}  // namespace ikewot::capture
