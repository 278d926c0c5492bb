#include "attest/tpm/pcr_values.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "attest/tpm/internal/little_endian.h"
#include "attest/tpm/json_input.h"
#include "core/openssl_handles.h"

namespace ensign::attest::tpm {
namespace {

using internal::read_le16;
using internal::read_le32;

constexpr unsigned kMaxPcrIndex = kMaxPcrSelectSize * 8 - 1;

// tpm2-tools' serialized PCR file: a TPML_PCR_SELECTION image (count, then 16 slots of hash,
// sizeofSelect, pcrSelect[4] and one byte of padding), a u32 count, and that many TPML_DIGEST
// images (count, then 8 slots of a u16 size and a 64-byte buffer).
constexpr std::size_t kSelectionSlots = 16;
constexpr std::size_t kSelectionSlotSize = 8;
constexpr std::size_t kSelectionImageSize = 4 + kSelectionSlots * kSelectionSlotSize;
constexpr std::size_t kDigestSlots = 8;
constexpr std::size_t kDigestSlotSize = 2 + kMaxDigestSize;
constexpr std::size_t kDigestListImageSize = 4 + kDigestSlots * kDigestSlotSize;
constexpr std::size_t kMaxDigestLists = 32;  // tpm2-tools' TPM2_MAX_PCRS
constexpr std::size_t kDigestListsOffset = kSelectionImageSize + 4;

Error pcr_values_error(const std::string& message) {
  return Error(ErrorCode::kInvalidArgument, "PCR values: " + message);
}

Result<std::vector<PcrSelection>> serialized_selection(ByteView file) {
  auto count = read_le32(file, 0);
  if (!count || *count > kSelectionSlots) {
    return fail(pcr_values_error("serialized selection count is missing or exceeds 16"));
  }
  std::vector<PcrSelection> selections;
  for (std::size_t slot = 0; slot < *count; ++slot) {
    std::size_t offset = 4 + slot * kSelectionSlotSize;
    PcrSelection selection;
    selection.hash_alg = *read_le16(file, offset);
    std::size_t size = file[offset + 2];
    if (size > kMaxPcrSelectSize) {
      return fail(pcr_values_error("serialized selection " + std::to_string(slot) +
                                   " has sizeofSelect " + std::to_string(size)));
    }
    selection.select.assign(file.begin() + static_cast<std::ptrdiff_t>(offset + 3),
                            file.begin() + static_cast<std::ptrdiff_t>(offset + 3 + size));
    selections.push_back(std::move(selection));
  }
  return selections;
}

Result<std::vector<Bytes>> parse_serialized(ByteView file) {
  if (file.size() < kDigestListsOffset) {
    return fail(pcr_values_error(std::to_string(file.size()) +
                                 " bytes are too few for tpm2-tools' serialized PCR file"));
  }
  ENSIGN_TRY(selections, serialized_selection(file));
  std::uint32_t lists = *read_le32(file, kSelectionImageSize);
  if (lists > kMaxDigestLists || file.size() != kDigestListsOffset + lists * kDigestListImageSize) {
    return fail(pcr_values_error("serialized file of " + std::to_string(file.size()) +
                                 " bytes does not hold " + std::to_string(lists) +
                                 " digest lists"));
  }
  std::vector<Bytes> values;
  for (std::size_t list = 0; list < lists; ++list) {
    std::size_t list_offset = kDigestListsOffset + list * kDigestListImageSize;
    std::uint32_t count = *read_le32(file, list_offset);
    if (count > kDigestSlots) {
      return fail(pcr_values_error("serialized digest list " + std::to_string(list) + " counts " +
                                   std::to_string(count) + " digests"));
    }
    for (std::size_t slot = 0; slot < count; ++slot) {
      std::size_t offset = list_offset + 4 + slot * kDigestSlotSize;
      std::uint16_t size = *read_le16(file, offset);
      if (size > kMaxDigestSize) {
        return fail(pcr_values_error("serialized digest of " + std::to_string(size) + " bytes"));
      }
      ByteView digest = file.subspan(offset + 2, size);
      values.emplace_back(digest.begin(), digest.end());
    }
  }
  ENSIGN_CHECK(assign_pcr_values(selections, values));
  return values;
}

void store_le(Bytes& bytes, std::size_t offset, std::uint64_t value, std::size_t size) {
  for (std::size_t index = 0; index < size; ++index) {
    bytes[offset + index] = static_cast<std::uint8_t>(value >> (8 * index));
  }
}

// TextListing reads the PCR listing tpm2-tools prints, line by line.
class TextListing {
 public:
  Status line(std::size_t number, std::string_view text) {
    std::string where = "line " + std::to_string(number) + ": ";
    if (text.ends_with(':')) {
      std::string_view name = text.substr(0, text.size() - 1);
      bank_ = find_tpm_hash_by_bank(name);
      if (bank_ == nullptr) {
        return fail(pcr_values_error(where + "unknown PCR bank \"" +
                                     std::string(name.substr(0, 20)) + "\""));
      }
      last_index_.reset();
      return {};
    }
    std::size_t colon = text.find(':');
    std::string_view index_text = trim(text.substr(0, std::min(colon, text.size())));
    if (colon == std::string_view::npos || index_text.empty() || index_text.size() > 2 ||
        !std::all_of(index_text.begin(), index_text.end(), [](char digit) {
          return std::isdigit(static_cast<unsigned char>(digit));
        })) {
      return fail(
          pcr_values_error(where + "neither a PCR bank (\"sha256:\") nor a value (\"0 : 0x...\")"));
    }
    unsigned index = static_cast<unsigned>(std::stoul(std::string(index_text)));
    if (bank_ == nullptr) {
      return fail(
          pcr_values_error(where + "PCR " + std::to_string(index) + " comes before any bank"));
    }
    if (index > kMaxPcrIndex || (last_index_ && index <= *last_index_)) {
      return fail(pcr_values_error(where + "PCR " + std::to_string(index) +
                                   " is out of range or not after the previous PCR"));
    }
    std::string_view value_text = trim(text.substr(colon + 1));
    if (!value_text.starts_with("0x")) {
      return fail(pcr_values_error(where + "PCR " + std::to_string(index) + " value lacks its 0x"));
    }
    auto value = hex_decode(value_text.substr(2));
    if (!value || value->size() != bank_->size) {
      return fail(pcr_values_error(where + "PCR " + std::to_string(index) + " is not a " +
                                   std::string(bank_->bank) + " digest in hex"));
    }
    last_index_ = index;
    values_.push_back(std::move(value).value());
    return {};
  }

  std::vector<Bytes> take_values() { return std::move(values_); }

  static std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
      text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
      text.remove_suffix(1);
    }
    return text;
  }

 private:
  const TpmHash* bank_ = nullptr;
  std::optional<unsigned> last_index_;
  std::vector<Bytes> values_;
};

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

bool is_unindented(std::string_view line) {
  return !line.empty() && !std::isspace(static_cast<unsigned char>(line.front()));
}

Result<std::vector<Bytes>> parse_text(std::string_view text) {
  auto lines = split_lines(text);
  // tpm2_quote prints "pcrs:" above the listing, among its other output; tpm2_pcrread does not.
  bool has_header = std::any_of(lines.begin(), lines.end(), [](std::string_view line) {
    return is_unindented(line) && TextListing::trim(line) == "pcrs:";
  });
  TextListing listing;
  bool in_listing = !has_header;
  for (std::size_t number = 1; number <= lines.size(); ++number) {
    std::string_view line = lines[number - 1];
    std::string_view content = TextListing::trim(line);
    if (content.empty()) {
      continue;
    }
    if (has_header && is_unindented(line)) {
      in_listing = content == "pcrs:";
    } else if (in_listing) {
      ENSIGN_CHECK(listing.line(number, content));
    }
  }
  return listing.take_values();
}

bool is_text(ByteView bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t byte) {
    return (byte >= 0x20 && byte < 0x7f) || byte == '\n' || byte == '\r' || byte == '\t';
  });
}

}  // namespace

Result<std::vector<Bytes>> parse_pcr_values(ByteView file_contents) {
  if (file_contents.size() > kMaxPcrFileSize) {
    return fail(pcr_values_error(std::to_string(file_contents.size()) +
                                 " bytes exceed the limit of " + std::to_string(kMaxPcrFileSize)));
  }
  std::vector<Bytes> values;
  if (!is_text(file_contents)) {
    ENSIGN_TRY(serialized, parse_serialized(file_contents));
    values = std::move(serialized);
  } else if (TextListing::trim(as_string(file_contents)).starts_with('[')) {
    ENSIGN_TRY(array, parse_json_input(file_contents, kMaxPcrFileSize, "PCR values"));
    ENSIGN_TRY(listed, hex_strings(array, kMaxPcrValues, kMaxDigestSize, "PCR values"));
    values = std::move(listed);
  } else {
    ENSIGN_TRY(printed, parse_text(as_string(file_contents)));
    values = std::move(printed);
  }
  if (values.empty()) {
    return fail(pcr_values_error("the input holds no PCR value"));
  }
  return values;
}

Result<Bytes> serialize_pcr_values(const std::vector<PcrSelection>& selections,
                                   const std::vector<Bytes>& values) {
  if (selections.size() > kSelectionSlots) {
    return fail(pcr_values_error(std::to_string(selections.size()) + " banks exceed 16"));
  }
  ENSIGN_CHECK(assign_pcr_values(selections, values));
  std::size_t lists = (values.size() + kDigestSlots - 1) / kDigestSlots;
  Bytes file(kDigestListsOffset + lists * kDigestListImageSize, 0);
  store_le(file, 0, selections.size(), 4);
  for (std::size_t slot = 0; slot < selections.size(); ++slot) {
    std::size_t offset = 4 + slot * kSelectionSlotSize;
    store_le(file, offset, selections[slot].hash_alg, 2);
    file[offset + 2] = static_cast<std::uint8_t>(selections[slot].select.size());
    std::copy(selections[slot].select.begin(),
              selections[slot].select.end(),
              file.begin() + static_cast<std::ptrdiff_t>(offset + 3));
  }
  store_le(file, kSelectionImageSize, lists, 4);
  for (std::size_t index = 0; index < values.size(); ++index) {
    std::size_t list_offset = kDigestListsOffset + (index / kDigestSlots) * kDigestListImageSize;
    std::size_t in_list =
        std::min(kDigestSlots, values.size() - index / kDigestSlots * kDigestSlots);
    store_le(file, list_offset, in_list, 4);
    std::size_t offset = list_offset + 4 + (index % kDigestSlots) * kDigestSlotSize;
    store_le(file, offset, values[index].size(), 2);
    std::copy(values[index].begin(),
              values[index].end(),
              file.begin() + static_cast<std::ptrdiff_t>(offset + 2));
  }
  return file;
}

Result<std::vector<PcrValue>> assign_pcr_values(const std::vector<PcrSelection>& selections,
                                                const std::vector<Bytes>& values) {
  std::vector<PcrValue> assigned;
  std::size_t next = 0;
  for (const auto& selection : selections) {
    const TpmHash* bank = find_tpm_hash(selection.hash_alg);
    auto indices = selection.pcrs();
    if (bank == nullptr && !indices.empty()) {
      return fail(
          pcr_values_error("bank " + hex_code(selection.hash_alg) + " is not SHA-1 or SHA-2"));
    }
    for (unsigned index : indices) {
      if (next == values.size()) {
        break;
      }
      if (values[next].size() != bank->size) {
        return fail(pcr_values_error(std::string(bank->bank) + " PCR " + std::to_string(index) +
                                     " is " + std::to_string(values[next].size()) +
                                     " bytes, expected " + std::to_string(bank->size)));
      }
      assigned.push_back({bank, index, values[next]});
      ++next;
    }
  }
  std::size_t selected = 0;
  for (const auto& selection : selections) {
    selected += selection.pcrs().size();
  }
  if (values.size() != selected) {
    return fail(pcr_values_error(std::to_string(values.size()) + " values given for " +
                                 std::to_string(selected) + " selected PCRs"));
  }
  return assigned;
}

Bytes pcr_digest(const std::vector<PcrValue>& values, const TpmHash& hash) {
  EvpMdCtxPtr context(EVP_MD_CTX_new());
  Bytes digest(hash.size);
  unsigned int length = 0;
  bool computed = context && EVP_DigestInit_ex(context.get(), hash.evp_md(), nullptr) == 1;
  for (const auto& value : values) {
    computed =
        computed && EVP_DigestUpdate(context.get(), value.value.data(), value.value.size()) == 1;
  }
  computed = computed && EVP_DigestFinal_ex(context.get(), digest.data(), &length) == 1;
  if (!computed || length != hash.size) {
    return {};
  }
  return digest;
}

nlohmann::json pcr_claims(const std::vector<PcrValue>& values) {
  nlohmann::json claims = nlohmann::json::object();
  for (const auto& value : values) {
    claims[std::string(value.bank->bank)][std::to_string(value.index)] = hex_encode(value.value);
  }
  return claims;
}

}  // namespace ensign::attest::tpm
