// Telegram Desktop export (result.json) of a channel that publishes C2 addresses.
//
// A single-chat export is {name, type, id, messages[]}; a full export nests chats under
// chats.list[]. A message's `text` is a string or an array of strings and {type, text, href}
// entities. Every indicator in a post (ExtractIndicators over the text and the link targets)
// becomes an observation: the channel's actor (ReadOptions::actor, else the channel name), role
// dead-drop ("C2 published via dead drop"), first and last seen the post date, basis the post
// ("telegram:<chat id>/<message id>"). When the channel's handle is known each value
// also gets a Relationship "publishes" from the handle (a "username" field, or ReadOptions::source
// given as "t.me/<handle>"; Desktop exports do not name the handle themselves).
#include <set>
#include <string>

#include "cotenant/extract.h"
#include "readers/json_util.h"
#include "readers/readers.h"

namespace cotenant::readers {

namespace {

// Concatenated text of a message, and the link targets of its entities.
void MessageText(json::element message, std::string* text, std::vector<std::string>* hrefs) {
  auto f = json::Field(message, "text");
  if (!f) return;
  if (f->is_string()) {
    text->append(f->get_string().value_unsafe());
    return;
  }
  if (!f->is_array()) return;
  json::array parts = f->get_array().value_unsafe();
  for (json::element part : parts) {
    if (part.is_string()) {
      text->append(part.get_string().value_unsafe());
    } else if (part.is_object()) {
      if (auto t = json::Str(part, "text")) text->append(*t);
      if (auto h = json::NonEmptyStr(part, "href")) hrefs->emplace_back(*h);
    }
  }
}

std::optional<Timestamp> MessageDate(json::element message) {
  if (auto unix = json::Int(message, "date_unixtime")) return Timestamp::FromUnixSeconds(*unix);
  auto date = json::Time(message, "date");
  if (date.ok() && *date) return **date;
  return std::nullopt;
}

Status ReadChat(json::element chat, const std::string& chat_path, const std::string& path,
                const ReadOptions& options, IngestSink& sink, std::set<std::string>* sources) {
  auto messages = json::Arr(chat, "messages");
  if (!messages) {
    sink.OnRejection(MakeRejection(JsonLocation(path, chat_path), "chat without messages[]",
                                   json::Preview(chat)));
    return Status::Ok();
  }
  std::string channel_name(Trim(json::Str(chat, "name").value_or("")));
  std::string chat_id;
  if (auto id = json::Int(chat, "id")) chat_id = std::to_string(*id);

  // The channel's handle, when anything names it.
  std::optional<Indicator> handle;
  // A display name is not a handle ("Nachrichten" may not be t.me/nachrichten): only an
  // explicit username or a t.me source name counts.
  std::string_view username = json::Str(chat, "username").value_or("");
  if (options.source.find("t.me/") != std::string::npos) {
    auto h = ParseIndicatorAs(IndicatorType::kTelegramHandle, options.source);
    if (h.ok()) handle = std::move(h).value();
  }
  if (!handle && !Trim(username).empty()) {
    auto h = ParseIndicatorAs(IndicatorType::kTelegramHandle, Trim(username));
    if (h.ok()) handle = std::move(h).value();
  }

  Source source;
  if (!options.source.empty()) {
    source.name = options.source;
  } else if (handle) {
    source.name = "telegram:" + handle->value;
  } else {
    source.name = "telegram:" + (channel_name.empty() ? chat_id : channel_name);
  }
  if (handle) source.url = "https://" + handle->value;
  if (sources->insert(source.name).second) sink.OnSource(source);
  const std::string actor = options.actor.empty() ? channel_name : options.actor;

  size_t i = 0;
  for (json::element message : *messages) {
    std::string jp = chat_path + ".messages[" + std::to_string(i++) + "]";
    if (!message.is_object()) {
      sink.OnRejection(MakeRejection(JsonLocation(path, jp), "message is not an object",
                                     json::Preview(message)));
      continue;
    }
    if (json::Str(message, "type").value_or("message") != "message") continue;  // service
    std::string text;
    std::vector<std::string> hrefs;
    MessageText(message, &text, &hrefs);
    if (text.empty() && hrefs.empty()) continue;
    std::optional<Timestamp> date = MessageDate(message);
    std::string message_id;
    if (auto id = json::Int(message, "id")) message_id = std::to_string(*id);
    if (!date) {
      sink.OnRejection(
          MakeRejection(JsonLocation(path, jp), "message without a readable date", text));
      continue;
    }
    std::set<Indicator> seen;
    auto emit = [&](const Indicator& indicator, std::string_view original) {
      if (!seen.insert(indicator).second) return;
      if (handle && indicator == *handle) return;  // the channel naming itself
      Observation o;
      o.indicator = indicator;
      o.actor = actor;
      o.role = options.role != Role::kUnknown ? options.role : Role::kDeadDrop;
      o.source = source.name;
      o.first_seen = date;
      o.last_seen = date;
      o.tlp = options.tlp;
      o.original_text = std::string(original);
      o.description = "C2 published via dead drop, message " + message_id;
      o.basis.push_back("telegram:" + (handle ? handle->value : chat_id) + "/" + message_id);
      o.location = JsonLocation(path, jp);
      if (handle) {
        Relationship r;
        r.from = *handle;
        r.kind = "publishes";
        r.to = indicator;
        r.first_seen = date;
        r.last_seen = date;
        r.source = source.name;
        r.tlp = options.tlp;
        r.location = o.location;
        sink.OnObservation(std::move(o));
        sink.OnRelationship(std::move(r));
      } else {
        sink.OnObservation(std::move(o));
      }
    };
    ExtractOptions extract;
    extract.telegram_context = true;
    for (auto& e : ExtractIndicators(text, extract)) {
      emit(e.indicator, std::string_view(text).substr(e.offset, e.length));
    }
    for (const auto& href : hrefs) {
      ClassifyOptions classify;
      classify.telegram_context = true;
      auto indicator = ClassifyIndicator(href, classify);
      if (indicator.ok()) emit(*indicator, href);
    }
  }
  return Status::Ok();
}

}  // namespace

Status ReadTelegramJson(std::string_view json_text, const std::string& path,
                        const ReadOptions& options, IngestSink& sink) {
  simdjson::dom::parser parser;
  COTENANT_ASSIGN_OR_RETURN(json::element doc, json::Parse(parser, json_text, path));
  std::set<std::string> sources;
  if (json::Arr(doc, "messages")) return ReadChat(doc, "$", path, options, sink, &sources);
  if (auto chats = json::Field(doc, "chats")) {
    if (auto list = json::Arr(*chats, "list")) {
      size_t i = 0;
      for (json::element chat : *list) {
        COTENANT_RETURN_IF_ERROR(ReadChat(chat, "$.chats.list[" + std::to_string(i++) + "]", path,
                                          options, sink, &sources));
      }
      return Status::Ok();
    }
  }
  return InvalidArgument(path + ": not a Telegram Desktop export (no messages[] or chats.list[])");
}

}  // namespace cotenant::readers
