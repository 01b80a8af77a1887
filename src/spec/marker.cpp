#include "ptinstall/spec/marker.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/specifier.hpp"
#include "ptinstall/spec/version.hpp"
#include "ptinstall/util/error.hpp"
#include "spec/pep508_scan.hpp"

namespace ptinstall::spec {

namespace detail {

enum class Var : uint8_t {
  PythonVersion,
  PythonFullVersion,
  OsName,
  SysPlatform,
  PlatformRelease,
  PlatformSystem,
  PlatformVersion,
  PlatformMachine,
  PlatformPythonImplementation,
  ImplementationName,
  ImplementationVersion,
  Extra,
  Extras,            // PEP 751: the set of extras a lock file is installed with
  DependencyGroups,  // PEP 751: the set of dependency groups a lock file is installed with
  VariantLabel,      // PEP 825: the chosen wheel's variant label ("" for a non-variant wheel)
  VariantNamespaces, // PEP 825 sets, of the chosen wheel's supported properties
  VariantFeatures,
  VariantProperties,
};

enum class MOp : uint8_t { Equal, NotEqual, LessEqual, GreaterEqual, Less, Greater, Compatible, Arbitrary, In, NotIn };

struct Operand {
  bool is_var = false;
  Var var = Var::PythonVersion;
  std::string value;  // the literal (is_var false)
};

struct MarkerNode {
  bool is_group = false;
  // A comparison.
  Operand lhs;
  MOp op = MOp::Equal;
  Operand rhs;
  std::optional<Specifier> spec;  // op + literal, pre-parsed when a version variable is on the left
  bool spec_tried = false;        // whether `spec` was tried at parse time
  // A group: items joined by `and` / `or` (is_or[i] joins items[i] and items[i + 1]).
  std::vector<MarkerNode> items;
  std::vector<bool> is_or;
};

}  // namespace detail

using detail::MarkerNode;
using detail::MarkerSyntaxError;
using detail::MOp;
using detail::Operand;
using detail::Var;

namespace {

constexpr std::array<std::string_view, 18> kVarNames = {
    "python_version",   "python_full_version", "os_name",          "sys_platform",
    "platform_release", "platform_system",     "platform_version", "platform_machine",
    "platform_python_implementation", "implementation_name", "implementation_version", "extra",
    "extras", "dependency_groups", "variant_label", "variant_namespaces", "variant_features", "variant_properties"};
constexpr std::size_t kPep508Vars = 12;  // the variables before the lock-file sets

bool is_variant_set_var(const Operand& o) {
  return o.is_var && (o.var == Var::VariantNamespaces || o.var == Var::VariantFeatures || o.var == Var::VariantProperties);
}
bool is_set_var(const Operand& o) {
  return o.is_var && (o.var == Var::Extras || o.var == Var::DependencyGroups || is_variant_set_var(o));
}

// PEP 825: whitespace around "::" does not matter; members are kept as "a :: b :: c".
std::string canonical_variant_item(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    std::size_t p = text.find("::", start);
    std::string_view part = text.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    out += part;
    if (p == std::string_view::npos) break;
    out += " :: ";
    start = p + 2;
  }
  return out;
}

std::string_view var_name(Var v) { return kVarNames[static_cast<size_t>(v)]; }

bool is_version_var(Var v) {
  return v == Var::PythonVersion || v == Var::PythonFullVersion || v == Var::ImplementationVersion ||
         v == Var::PlatformRelease;
}

std::string_view op_string(MOp op) {
  switch (op) {
    case MOp::Equal: return "==";
    case MOp::NotEqual: return "!=";
    case MOp::LessEqual: return "<=";
    case MOp::GreaterEqual: return ">=";
    case MOp::Less: return "<";
    case MOp::Greater: return ">";
    case MOp::Compatible: return "~=";
    case MOp::Arbitrary: return "===";
    case MOp::In: return "in";
    case MOp::NotIn: return "not in";
  }
  return "==";
}

// The spellings packaging's VARIABLE token accepts, with the variable each one means.
struct Spelling {
  std::string_view text;
  Var var;
};
constexpr std::array<Spelling, 24> kSpellings = {{
    {"python_version", Var::PythonVersion},
    {"python_full_version", Var::PythonFullVersion},
    {"os_name", Var::OsName},
    {"os.name", Var::OsName},
    {"sys_platform", Var::SysPlatform},
    {"sys.platform", Var::SysPlatform},
    {"platform_release", Var::PlatformRelease},
    {"platform_system", Var::PlatformSystem},
    {"platform_version", Var::PlatformVersion},
    {"platform.version", Var::PlatformVersion},
    {"platform_machine", Var::PlatformMachine},
    {"platform.machine", Var::PlatformMachine},
    {"platform_python_implementation", Var::PlatformPythonImplementation},
    {"platform.python_implementation", Var::PlatformPythonImplementation},
    {"python_implementation", Var::PlatformPythonImplementation},
    {"implementation_name", Var::ImplementationName},
    {"implementation_version", Var::ImplementationVersion},
    {"extras", Var::Extras},
    {"dependency_groups", Var::DependencyGroups},
    {"extra", Var::Extra},
    {"variant_label", Var::VariantLabel},
    {"variant_namespaces", Var::VariantNamespaces},
    {"variant_features", Var::VariantFeatures},
    {"variant_properties", Var::VariantProperties},
}};

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string variables_list() {
  std::string out;
  for (size_t i = 0; i < kVarNames.size(); ++i) {
    if (i) out += ", ";
    out += kVarNames[i];
  }
  return out;
}

// Recursive descent over packaging's grammar:
//   marker      = marker_atom (BOOLOP marker_atom)*
//   marker_atom = WS? '(' WS? marker WS? ')' WS? | WS? marker_item WS?
//   marker_item = WS? marker_var WS? marker_op WS? marker_var WS?
class Parser {
 public:
  Parser(std::string_view s, size_t pos) : s_(s), pos_(pos) {}

  MarkerNode marker(int depth = 0) {
    if (depth > 200) fail("markers nested too deeply", {});
    MarkerNode group;
    group.is_group = true;
    group.items.push_back(atom(depth));
    while (true) {
      size_t n;
      bool is_or;
      if ((n = detail::match_word(s_, pos_, "or")) != 0) {
        is_or = true;
      } else if ((n = detail::match_word(s_, pos_, "and")) != 0) {
        is_or = false;
      } else {
        break;
      }
      pos_ += n;
      group.is_or.push_back(is_or);
      group.items.push_back(atom(depth));
    }
    return group;
  }

  size_t position() const { return pos_; }

  void ws() { pos_ += detail::match_ws(s_, pos_); }

  [[noreturn]] void fail(std::string message, std::string hint) const {
    throw MarkerSyntaxError{std::move(message), pos_, std::move(hint)};
  }

 private:
  MarkerNode atom(int depth) {
    ws();
    MarkerNode node;
    if (pos_ < s_.size() && s_[pos_] == '(') {
      size_t open = pos_;
      ++pos_;
      ws();
      node = marker(depth + 1);
      ws();
      if (pos_ >= s_.size() || s_[pos_] != ')') {
        fail("expected closing ')'", "the '(' at column " + std::to_string(open + 1) + " is not closed" +
                                         unexpected_word_hint());
      }
      ++pos_;
    } else {
      node = item();
    }
    ws();
    return node;
  }

  // A hint for a word where `and`/`or`/`)` was expected ("AND", "&&", ...).
  std::string unexpected_word_hint() const {
    std::string_view rest = s_.substr(pos_);
    if (rest.starts_with("&&") || rest.starts_with("||")) return "; combine comparisons with 'and' and 'or'";
    size_t n = 0;
    while (n < rest.size() && detail::is_alnum(static_cast<unsigned char>(rest[n]))) ++n;
    std::string word = lower_ascii(rest.substr(0, n));
    if ((word == "and" || word == "or") && rest.substr(0, n) != word) return "; 'and' and 'or' are written in lower case";
    return {};
  }

  MarkerNode item() {
    ws();
    const size_t start = pos_;
    MarkerNode node;
    node.lhs = operand(false);
    ws();
    node.op = op();
    ws();
    node.rhs = operand(true);
    ws();
    // PEP 751's sets take only `"name" in extras` / `"name" not in dependency_groups`.
    if (is_set_var(node.lhs) || is_set_var(node.rhs)) {
      if (!is_set_var(node.rhs) || node.lhs.is_var || (node.op != MOp::In && node.op != MOp::NotIn)) {
        pos_ = start;
        if (is_variant_set_var(node.lhs) || is_variant_set_var(node.rhs))
          fail("variant_namespaces, variant_features and variant_properties are sets: compare them only as "
               "'\"ns :: feature\" in variant_features'",
               "write e.g. 'nvidia' in variant_namespaces or 'nvidia :: sm_arch :: 90_real' in variant_properties");
        fail("extras and dependency_groups are sets: compare them only as '\"name\" in extras'",
             "write e.g. 'cpu' in extras or 'dev' not in dependency_groups");
      }
      node.lhs.value = is_variant_set_var(node.rhs) ? canonical_variant_item(node.lhs.value) : normalize_extra(node.lhs.value);
      return node;
    }
    // PEP 685: extra names compare normalised; keep them normalised for printing too.
    if (node.lhs.is_var && node.lhs.var == Var::Extra && !node.rhs.is_var) node.rhs.value = normalize_extra(node.rhs.value);
    if (node.rhs.is_var && node.rhs.var == Var::Extra && !node.lhs.is_var) node.lhs.value = normalize_extra(node.lhs.value);
    if (node.lhs.is_var && is_version_var(node.lhs.var) && !node.rhs.is_var && node.op != MOp::In &&
        node.op != MOp::NotIn) {
      node.spec_tried = true;
      try {
        node.spec = Specifier::parse(std::string(op_string(node.op)) + std::string(detail::strip_py_space(node.rhs.value)));
      } catch (const util::Error&) {
        // Not a version comparison: compared as strings.
      }
    }
    return node;
  }

  Operand operand(bool right) {
    Operand o;
    if (detail::word_boundary(s_, pos_)) {
      for (const Spelling& sp : kSpellings) {
        if (s_.substr(pos_, sp.text.size()) == sp.text && detail::word_boundary(s_, pos_ + sp.text.size())) {
          pos_ += sp.text.size();
          o.is_var = true;
          o.var = sp.var;
          return o;
        }
      }
    }
    if (size_t n = detail::match_quoted(s_, pos_); n != 0) {
      o.value = std::string(s_.substr(pos_ + 1, n - 2));
      pos_ += n;
      return o;
    }
    std::string hint;
    if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'')) {
      hint = std::string("the string starting here has no closing ") + s_[pos_];
    } else {
      size_t n = 0;
      while (pos_ + n < s_.size() && (detail::is_word_char(static_cast<unsigned char>(s_[pos_ + n])) ||
                                      s_[pos_ + n] == '.' || s_[pos_ + n] == '-')) {
        ++n;
      }
      std::string word(s_.substr(pos_, n));
      std::string canon = lower_ascii(word);
      std::replace(canon.begin(), canon.end(), '.', '_');
      bool known = std::find(kVarNames.begin(), kVarNames.end(), canon) != kVarNames.end() ||
                   canon == "python_implementation";
      if (!word.empty() && known) {
        hint = "write the variable as " + std::string(canon == "python_implementation" ? "platform_python_implementation" : canon);
      } else if (!word.empty() && right) {
        hint = "quote the value: \"" + word + "\"";
      } else if (!word.empty()) {
        hint = "marker variables are " + variables_list();
      } else if (pos_ >= s_.size()) {
        hint = right ? "a comparison needs a value after its operator" : "";
      }
    }
    fail("expected a marker variable or quoted string", hint);
  }

  MOp op() {
    if (size_t n = detail::match_word(s_, pos_, "in"); n != 0) {
      pos_ += n;
      return MOp::In;
    }
    if (size_t n = detail::match_word(s_, pos_, "not"); n != 0) {
      pos_ += n;
      size_t w = detail::match_ws(s_, pos_);
      if (w == 0) fail("expected whitespace after 'not'", {});
      pos_ += w;
      size_t i = detail::match_word(s_, pos_, "in");
      if (i == 0) fail("expected 'in' after 'not'", {});
      pos_ += i;
      return MOp::NotIn;
    }
    static constexpr std::array<std::pair<std::string_view, MOp>, 8> kOps = {{
        {"===", MOp::Arbitrary},
        {"==", MOp::Equal},
        {"~=", MOp::Compatible},
        {"!=", MOp::NotEqual},
        {"<=", MOp::LessEqual},
        {">=", MOp::GreaterEqual},
        {"<", MOp::Less},
        {">", MOp::Greater},
    }};
    for (const auto& [text, op] : kOps) {
      if (s_.substr(pos_, text.size()) == text) {
        pos_ += text.size();
        return op;
      }
    }
    std::string hint;
    if (pos_ < s_.size() && s_[pos_] == '=') hint = "compare with '==', not '='";
    else if (s_.substr(pos_).starts_with("is")) hint = "compare with '==' or '!='";
    fail("expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in", hint);
  }

 public:
  std::string trailing_hint() const {
    std::string h = unexpected_word_hint();
    if (!h.empty()) return h.substr(2);
    if (pos_ < s_.size() && s_[pos_] == ')') return "this ')' has no matching '('";
    return {};
  }

 private:
  std::string_view s_;
  size_t pos_;
};

// --- evaluation ---------------------------------------------------------------------------

struct EvalContext {
  const MarkerEnvironment& env;
  const std::vector<std::string>& extras;  // normalised; never empty (holds "" when none were given)
};

std::string env_value(const EvalContext& ctx, Var v, const std::string& extra) {
  if (v == Var::Extra) return extra;
  std::string value(ctx.env.get(var_name(v)));
  // packaging repairs platform.python_version() of untagged builds ("3.13.0+") the same way.
  if (v == Var::PythonFullVersion && !value.empty() && value.back() == '+') value += "local";
  return value;
}

bool string_op(MOp op, const std::string& lhs, const std::string& rhs) {
  switch (op) {
    case MOp::Equal: return lhs == rhs;
    case MOp::NotEqual: return lhs != rhs;
    case MOp::LessEqual: return lhs <= rhs;
    case MOp::GreaterEqual: return lhs >= rhs;
    case MOp::Less: return lhs < rhs;
    case MOp::Greater: return lhs > rhs;
    case MOp::In: return rhs.find(lhs) != std::string::npos;
    case MOp::NotIn: return rhs.find(lhs) == std::string::npos;
    case MOp::Arbitrary: return lower_ascii(lhs) == lower_ascii(rhs);
    case MOp::Compatible: return false;  // no string meaning
  }
  return false;
}

bool compare(const MarkerNode& c, const EvalContext& ctx, const std::string& extra) {
  if (is_set_var(c.rhs)) {
    const auto& set = c.rhs.var == Var::Extras               ? ctx.env.extras
                      : c.rhs.var == Var::DependencyGroups   ? ctx.env.dependency_groups
                      : c.rhs.var == Var::VariantNamespaces  ? ctx.env.variant_namespaces
                      : c.rhs.var == Var::VariantFeatures    ? ctx.env.variant_features
                                                             : ctx.env.variant_properties;
    bool member = std::find(set.begin(), set.end(), c.lhs.value) != set.end();
    return c.op == MOp::In ? member : !member;
  }
  bool has_extra = (c.lhs.is_var && c.lhs.var == Var::Extra) || (c.rhs.is_var && c.rhs.var == Var::Extra);
  std::string lhs = c.lhs.is_var ? env_value(ctx, c.lhs.var, extra) : c.lhs.value;
  std::string rhs = c.rhs.is_var ? env_value(ctx, c.rhs.var, extra) : c.rhs.value;
  if (has_extra) {
    lhs = normalize_extra(lhs);
    rhs = normalize_extra(rhs);
  }
  bool version_like = (c.lhs.is_var && is_version_var(c.lhs.var)) || (c.rhs.is_var && is_version_var(c.rhs.var));
  if (version_like && c.op != MOp::In && c.op != MOp::NotIn) {
    std::optional<Specifier> parsed;
    const Specifier* spec = nullptr;
    if (c.spec_tried) {
      if (c.spec) spec = &*c.spec;
    } else {
      try {
        parsed = Specifier::parse(std::string(op_string(c.op)) + std::string(detail::strip_py_space(rhs)));
        spec = &*parsed;
      } catch (const util::Error&) {
      }
    }
    if (spec) {
      if (auto v = Version::parse(detail::strip_py_space(lhs))) return spec->contains(*v);
    }
  }
  return string_op(c.op, lhs, rhs);
}

bool eval_node(const MarkerNode& n, const EvalContext& ctx);

bool eval_comparison(const MarkerNode& c, const EvalContext& ctx) {
  bool has_extra = (c.lhs.is_var && c.lhs.var == Var::Extra) || (c.rhs.is_var && c.rhs.var == Var::Extra);
  if (!has_extra) return compare(c, ctx, ctx.extras.front());
  bool negative = c.op == MOp::NotEqual || c.op == MOp::NotIn;
  for (const std::string& e : ctx.extras) {
    bool r = compare(c, ctx, e);
    if (negative && !r) return false;
    if (!negative && r) return true;
  }
  return negative;
}

bool eval_node(const MarkerNode& n, const EvalContext& ctx) {
  if (!n.is_group) return eval_comparison(n, ctx);
  // `and` binds tighter than `or`: true when every item of some or-separated run is true.
  bool run = true;
  for (size_t i = 0; i < n.items.size(); ++i) {
    if (i > 0 && n.is_or[i - 1]) {
      if (run) return true;
      run = true;
    }
    if (run) run = eval_node(n.items[i], ctx);
  }
  return run;
}

// --- printing -----------------------------------------------------------------------------

void print_operand(const Operand& o, std::string& out) {
  if (o.is_var) {
    out += var_name(o.var);
    return;
  }
  char q = o.value.find('"') == std::string::npos ? '"' : '\'';
  out += q;
  out += o.value;
  out += q;
}

void print_node(const MarkerNode& n, bool top, std::string& out) {
  if (!n.is_group) {
    print_operand(n.lhs, out);
    out += ' ';
    out += op_string(n.op);
    out += ' ';
    print_operand(n.rhs, out);
    return;
  }
  // A group of one item prints as that item (packaging drops such parentheses).
  if (n.items.size() == 1) {
    print_node(n.items[0], top, out);
    return;
  }
  if (!top) out += '(';
  for (size_t i = 0; i < n.items.size(); ++i) {
    if (i > 0) out += n.is_or[i - 1] ? " or " : " and ";
    print_node(n.items[i], false, out);
  }
  if (!top) out += ')';
}

void collect_extras(const MarkerNode& n, std::vector<std::string>& out) {
  if (n.is_group) {
    for (const MarkerNode& item : n.items) collect_extras(item, out);
    return;
  }
  if (n.lhs.is_var && n.lhs.var == Var::Extra && !n.rhs.is_var) out.push_back(n.rhs.value);
  if (n.rhs.is_var && n.rhs.var == Var::Extra && !n.lhs.is_var) out.push_back(n.lhs.value);
}

// Appends `m`'s items to `group` joined by `and` when `m` is a chain of `and`s; as one
// (parenthesised) item otherwise.
void splice_and(MarkerNode& group, const MarkerNode& m) {
  const MarkerNode* node = &m;
  while (node->is_group && node->items.size() == 1) node = &node->items[0];
  bool only_and = node->is_group && std::none_of(node->is_or.begin(), node->is_or.end(), [](bool b) { return b; });
  if (!group.items.empty()) group.is_or.push_back(false);
  if (only_and) {
    for (size_t i = 0; i < node->items.size(); ++i) {
      if (i > 0) group.is_or.push_back(false);
      group.items.push_back(node->items[i]);
    }
  } else {
    group.items.push_back(*node);
  }
}

}  // namespace

std::string_view MarkerEnvironment::get(std::string_view key) const {
  auto it = values.find(key);
  return it == values.end() ? std::string_view{} : std::string_view(it->second);
}

const std::vector<std::string_view>& marker_variable_names() {
  static const std::vector<std::string_view> names(kVarNames.begin(), kVarNames.begin() + kPep508Vars);
  return names;
}

bool is_version_marker_variable(std::string_view name) {
  return name == "python_version" || name == "python_full_version" || name == "implementation_version" ||
         name == "platform_release";
}

Marker Marker::parse_at(std::string_view source, size_t& pos) {
  Parser p(source, pos);
  MarkerNode root = p.marker();
  pos = p.position();
  return Marker(std::make_shared<const MarkerNode>(std::move(root)));
}

Marker Marker::parse(std::string_view text) {
  try {
    Parser p(text, 0);
    MarkerNode root = p.marker();
    if (p.position() != text.size()) p.fail("expected end of marker expression", p.trailing_hint());
    return Marker(std::make_shared<const MarkerNode>(std::move(root)));
  } catch (const MarkerSyntaxError& e) {
    throw util::Error("invalid marker `" + detail::printable_excerpt(text) + "`: " + e.message + " at column " +
                          std::to_string(e.position + 1),
                      e.hint);
  }
}

namespace {
// 1: holds, 0: never holds, -1: depends on the environment (what is left is in `out`).
int decide_extra_node(const MarkerNode& n, const EvalContext& ctx, MarkerNode& out) {
  if (!n.is_group) {
    bool has_extra = (n.lhs.is_var && n.lhs.var == Var::Extra) || (n.rhs.is_var && n.rhs.var == Var::Extra);
    if (has_extra) return eval_comparison(n, ctx) ? 1 : 0;
    out = n;
    return -1;
  }
  // Runs of `and`-joined items, joined by `or`: a run holds when all its items do.
  MarkerNode group;
  group.is_group = true;
  for (size_t i = 0; i < n.items.size();) {
    size_t j = i + 1;
    while (j < n.items.size() && !n.is_or[j - 1]) ++j;
    std::vector<MarkerNode> kept;
    bool never = false;
    for (size_t k = i; k < j && !never; ++k) {
      MarkerNode sub;
      int r = decide_extra_node(n.items[k], ctx, sub);
      if (r == 0) never = true;
      else if (r == -1) kept.push_back(std::move(sub));
    }
    i = j;
    if (never) continue;
    if (kept.empty()) return 1;
    if (!group.items.empty()) group.is_or.push_back(true);
    for (size_t k = 0; k < kept.size(); ++k) {
      if (k > 0) group.is_or.push_back(false);
      group.items.push_back(std::move(kept[k]));
    }
  }
  if (group.items.empty()) return 0;
  if (group.items.size() == 1) {
    MarkerNode only = std::move(group.items[0]);
    out = std::move(only);
  } else {
    out = std::move(group);
  }
  return -1;
}
}  // namespace

std::optional<Marker> Marker::decide_extras(const std::vector<std::string>& extras) const {
  if (!root_) return Marker();
  std::vector<std::string> normalized;
  for (const std::string& e : extras) normalized.push_back(normalize_extra(e));
  if (normalized.empty()) normalized.emplace_back();
  const MarkerEnvironment none;
  EvalContext ctx{none, normalized};
  MarkerNode out;
  switch (decide_extra_node(*root_, ctx, out)) {
    case 1: return Marker();
    case 0: return std::nullopt;
    default: return Marker(std::make_shared<const MarkerNode>(std::move(out)));
  }
}

bool Marker::evaluate(const MarkerEnvironment& env, const std::vector<std::string>& extras) const {
  if (!root_) return true;
  std::vector<std::string> normalized;
  normalized.reserve(extras.size() + 1);
  for (const std::string& e : extras) normalized.push_back(normalize_extra(e));
  if (normalized.empty()) normalized.emplace_back();
  EvalContext ctx{env, normalized};
  return eval_node(*root_, ctx);
}

std::string Marker::to_string() const {
  std::string out;
  if (root_) print_node(*root_, true, out);
  return out;
}

Marker Marker::conjunction(const Marker& a, const Marker& b) {
  if (!a.root_) return b;
  if (!b.root_) return a;
  MarkerNode group;
  group.is_group = true;
  splice_and(group, *a.root_);
  splice_and(group, *b.root_);
  return Marker(std::make_shared<const MarkerNode>(std::move(group)));
}

Marker Marker::disjunction(const Marker& a, const Marker& b) {
  if (!a.root_ || !b.root_) return Marker();
  MarkerNode group;
  group.is_group = true;
  // Each side becomes one item: a group of several prints in parentheses, so `and` keeps its meaning.
  group.items.push_back(*a.root_);
  group.is_or.push_back(true);
  group.items.push_back(*b.root_);
  return Marker(std::make_shared<const MarkerNode>(std::move(group)));
}

namespace {
void collect_comparisons(const MarkerNode& n, std::vector<MarkerComparison>& out) {
  if (n.is_group) {
    for (const MarkerNode& item : n.items) collect_comparisons(item, out);
    return;
  }
  if (n.lhs.is_var == n.rhs.is_var) return;  // two variables or two literals: nothing to report
  MarkerComparison c;
  if (n.lhs.is_var) {
    c.variable = var_name(n.lhs.var);
    c.op = op_string(n.op);
    c.value = n.rhs.value;
  } else {
    c.variable = var_name(n.rhs.var);
    c.value = n.lhs.value;
    switch (n.op) {  // the same comparison read from the variable's side
      case MOp::LessEqual: c.op = ">="; break;
      case MOp::GreaterEqual: c.op = "<="; break;
      case MOp::Less: c.op = ">"; break;
      case MOp::Greater: c.op = "<"; break;
      case MOp::In:
      case MOp::NotIn:
        c.op = op_string(n.op);
        c.literal_left = true;
        break;
      default: c.op = op_string(n.op);
    }
  }
  out.push_back(std::move(c));
}
}  // namespace

std::vector<MarkerComparison> Marker::comparisons() const {
  std::vector<MarkerComparison> out;
  if (root_) collect_comparisons(*root_, out);
  return out;
}

std::vector<std::string> Marker::referenced_extras() const {
  std::vector<std::string> out;
  if (root_) collect_extras(*root_, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace ptinstall::spec
