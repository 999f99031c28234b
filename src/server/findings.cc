#include "server/findings.h"

#include "server/json.h"

namespace cotenant::server {
namespace {

std::vector<std::string> ItemList(const AnalysisInput& in, uint32_t list) {
  std::vector<std::string> out;
  if (list == 0) return out;
  for (uint32_t i : in.item_list(list)) out.emplace_back(in.item(i));
  return out;
}

Tlp Handled(Tlp t) { return t == Tlp::kUnmarked ? Tlp::kClear : t; }

void WriteSide(JsonWriter& w, const EvidenceSide& s) {
  w.BeginObject().Key("intervals").BeginArray();
  for (const TimedInterval& iv : s.intervals) {
    w.BeginObject().Member("first", iv.first).Member("last", iv.last);
    w.Member("estimated", iv.estimated).EndObject();
  }
  w.EndArray();
  w.StringArray("sources", s.sources).StringArray("references", s.references);
  w.StringArray("basis", s.basis).StringArray("values", s.values).StringArray("via", s.via);
  w.StringArray("details", s.details).StringArray("roles", s.roles);
  w.Member("observations", s.observations).Member("independent_sources", s.independent_sources);
  w.Member("tlp", TlpName(Handled(s.tlp))).EndObject();
}

}  // namespace

Result<FindingsOptions> LoadFindingsOptions(const std::string& lists_dir,
                                            const std::string& asn_path) {
  FindingsOptions out;
  auto lists = std::make_shared<Warninglists>(Warninglists::BuiltIn());
  if (!lists_dir.empty()) COTENANT_RETURN_IF_ERROR(lists->LoadMispDirectory(lists_dir));
  out.lists = std::move(lists);
  if (!asn_path.empty()) {
    auto asn = std::make_shared<AsnDatabase>();
    COTENANT_RETURN_IF_ERROR(asn->Load(asn_path));
    out.asn = std::move(asn);
  }
  return out;
}

void FilterAnalysisInput(const AnalysisInput& full, const SharingPolicy& policy,
                         IngestId as_of_ingest, AnalysisInput* out) {
  std::vector<uint32_t> value_map(full.value_count(), UINT32_MAX);
  std::vector<uint32_t> actor_map(full.actor_count(), kNoActor);
  auto value = [&](uint32_t v) {
    if (value_map[v] == UINT32_MAX) {
      value_map[v] = out->AddValue(full.value_type(v), full.value_text(v));
    }
    return value_map[v];
  };
  size_t n = full.observation_count();
  for (size_t o = 0; o < n; ++o) {
    Tlp tlp = full.obs_tlp()[o];
    if (!policy.Cleared(tlp)) continue;
    if (as_of_ingest != 0 && full.obs_ingest()[o] > as_of_ingest) continue;
    AnalysisInput::ObservationIn in;
    in.value = value(full.obs_value()[o]);
    uint32_t a = full.obs_actor()[o];
    if (a != kNoActor) {
      if (actor_map[a] == kNoActor) actor_map[a] = out->AddActor(full.actor(a));
      in.actor = actor_map[a];
    }
    in.source = out->AddSource(full.source(full.obs_source()[o]));
    in.name = out->AddName(full.name(full.obs_name()[o]));
    in.first = full.obs_first()[o];
    in.last = full.obs_last()[o];
    in.estimated = full.obs_estimated()[o] != 0;
    in.role = full.obs_role()[o];
    // The level it is handled at, so that the analysis' "most restrictive" folds handled
    // levels (an unmarked observation must not count as below a green one).
    in.tlp = HandlingTlp(tlp, policy.unmarked_as);
    std::vector<std::string> refs = ItemList(full, full.obs_references()[o]);
    std::vector<std::string> basis = ItemList(full, full.obs_basis()[o]);
    in.references = out->AddItemList(refs);
    in.basis = out->AddItemList(basis);
    in.id = full.obs_id()[o];
    in.ingest = full.obs_ingest()[o];
    out->AddObservation(in);
  }
  // Every actor keeps its naming links (umbrellas, ambiguous names) only through ActorInfo;
  // actors with no visible observation are not added, so none of them can appear in a pair.
  for (const AnalysisInput::Relationship& r : full.relationships()) {
    if (!policy.Cleared(r.tlp)) continue;
    AnalysisInput::RelationshipIn in;
    in.from = value(r.from);
    in.to = value(r.to);
    in.kind = full.relationship_kind(r.kind);
    in.first = r.first;
    in.last = r.last;
    in.has_time = r.has_time;
    in.source = out->AddSource(full.source(r.source));
    in.tlp = HandlingTlp(r.tlp, policy.unmarked_as);
    out->AddRelationship(in);
  }
}

std::string PairDetailJson(const PairFinding& f, const SharingPolicy& policy) {
  (void)policy;
  JsonWriter w;
  w.BeginObject();
  w.Member("id", std::to_string(f.actors[0].id) + "-" + std::to_string(f.actors[1].id));
  w.Key("actors").BeginArray();
  for (const ActorSummary& a : f.actors) {
    w.BeginObject().Member("id", a.id).Member("name", a.name);
    w.StringArray("names_used", a.names_used).StringArray("part_of", a.part_of).EndObject();
  }
  w.EndArray();
  w.Member("hypothesis", HypothesisId(f.leading));
  w.Member("hypothesis_label", HypothesisLabel(f.leading));
  w.Member("likelihood", f.likelihood).Member("probability", f.probability);
  w.Member("confidence", f.confidence).Member("stix_confidence", f.stix_confidence);
  w.Member("score", f.score).Member("summary", f.summary);
  w.Member("tlp", TlpName(Handled(f.tlp)));
  w.Member("evidence_total", f.evidence_total);
  w.Key("hypotheses").BeginArray();
  for (const HypothesisAssessment& h : f.hypotheses) {
    w.BeginObject().Member("id", HypothesisId(h.hypothesis));
    w.Member("label", HypothesisLabel(h.hypothesis)).Member("rank", h.rank);
    w.Member("consistent", h.consistent).Member("inconsistent", h.inconsistent);
    w.Member("neutral", h.neutral).Member("inconsistency", h.inconsistency);
    w.Member("score", h.score).Member("probability", h.probability);
    w.StringArray("reasons", h.reasons).EndObject();
  }
  w.EndArray();
  w.Key("evidence").BeginArray();
  for (const Evidence& e : f.evidence) {
    w.BeginObject().Member("value", e.value).Member("level", EvidenceLevelName(e.level));
    w.Member("family", e.family).Member("time", TimeRelationName(e.time));
    w.Member("gap_days", e.gap_days).Member("actors_sharing", e.actors_sharing);
    w.Member("sources_sharing", e.sources_sharing).Member("specificity", e.specificity);
    w.Member("weight", e.weight).Member("ach_weight", e.ach_weight);
    w.Member("diagnosticity", e.diagnosticity);
    w.StringArray("weight_reasons", e.weight_reasons).StringArray("listed", e.listed);
    w.Member("independence", e.independence).Member("subsumed_by", e.subsumed_by);
    w.Member("tlp", TlpName(Handled(e.tlp)));
    w.Key("cells").BeginArray();
    for (size_t h = 0; h < kHypothesisCount; ++h) {
      w.BeginObject().Member("hypothesis", HypothesisId(static_cast<Hypothesis>(h)));
      w.Member("mark", MarkName(e.cells[h].mark)).Member("reason", e.cells[h].reason);
      w.EndObject();
    }
    w.EndArray();
    w.Key("sides").BeginArray();
    bool has_sides = !e.sides[0].intervals.empty() || !e.sides[1].intervals.empty() ||
                     !e.sides[0].sources.empty() || !e.sides[1].sources.empty();
    if (has_sides) {
      for (const EvidenceSide& s : e.sides) WriteSide(w, s);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

Status AttachFindings(Store& store, SharedView& view, const FindingsOptions& options) {
  AnalysisInput full;
  COTENANT_RETURN_IF_ERROR(LoadAnalysisInput(store, LoadOptions{}, &full));
  AnalysisInput visible;
  FilterAnalysisInput(full, view.policy, view.as_of_ingest, &visible);
  static const Warninglists kBuiltIn = Warninglists::BuiltIn();
  AnalysisOptions analysis;
  analysis.lists = options.lists ? options.lists.get() : &kBuiltIn;
  analysis.asn = options.asn.get();
  COTENANT_ASSIGN_OR_RETURN(AnalysisResult result, Analyze(visible, analysis));
  view.findings.clear();
  for (const PairFinding& p : result.pairs) {
    SharedFinding f;
    f.actors = {p.actors[0].id, p.actors[1].id};
    // Both actors are in the view: they have visible observations.
    if (view.FindActor(f.actors[0]) == nullptr || view.FindActor(f.actors[1]) == nullptr) {
      continue;
    }
    f.hypothesis = std::string(HypothesisId(p.leading));
    f.hypothesis_label = std::string(HypothesisLabel(p.leading));
    f.likelihood = p.likelihood;
    f.probability = p.probability;
    f.confidence = p.confidence;
    f.stix_confidence = p.stix_confidence;
    f.score = p.score;
    f.summary = p.summary;
    for (const Evidence& e : p.evidence) {
      if (e.level != EvidenceLevel::kNaming && e.level != EvidenceLevel::kPairSummary &&
          e.level != EvidenceLevel::kWidelyShared) {
        f.shared_values.push_back(e.value);
      }
    }
    f.tlp = Handled(p.tlp);
    f.added = view.as_of;
    f.detail_json = PairDetailJson(p, view.policy);
    view.findings.push_back(std::move(f));
  }
  return Status::Ok();
}

}  // namespace cotenant::server
