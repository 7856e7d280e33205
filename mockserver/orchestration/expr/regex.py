"""RE2 (Go ``regexp``) patterns checked and translated to Python ``re``, for ``matches``.

Python's backtracking engine accepts a superset of RE2 and can take exponential time, so a pattern is
scanned first: what RE2 rejects is rejected (backreferences, lookarounds, possessive quantifiers,
``\\Z``, …), RE2 spellings Python lacks are rewritten (``\\z``, ``\\x{…}``, ``\\Q…\\E``, POSIX
classes, mid-pattern flags), and RE2 meanings are kept where Python differs (``$`` is end of text,
``\\d \\s \\w`` are ASCII, ``x{,3}`` is literal).

Mock limitations, rejected with an explicit message: Unicode classes (``\\pL``), negated POSIX classes,
the ungreedy flag ``(?U)``, and a repeated group that can match one text in several ways: one holding a
repetition (``(a+)+``) or alternatives that are not literals with distinct first characters (``(a|ab)*``;
``(foo|bar)*`` is fine). Those are the shapes of exponential backtracking. Polynomial backtracking
(``.*a.*b.*c``) stays possible; payload strings are short, so it stays cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["RegexError", "compile_re2"]

MAX_REPEAT = 1000
MAX_NESTING = 100

_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_PERL_IN_CLASS = {"d": "0-9", "s": "\\t\\n\\f\\r ", "w": "0-9A-Za-z_", "D": "\\D", "S": "\\S", "W": "\\W"}
_PERL = {
    "d": "[0-9]",
    "D": "[^0-9]",
    "s": "[\\t\\n\\f\\r ]",
    "S": "[^\\t\\n\\f\\r ]",
    "w": "[0-9A-Za-z_]",
    "W": "[^0-9A-Za-z_]",
}
_CONTROL_CHARS = {"a": "\a", "f": "\f", "t": "\t", "n": "\n", "r": "\r", "v": "\v"}
_CONTROL = {k: f"\\x{ord(v):02x}" for k, v in _CONTROL_CHARS.items()}
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_NESTED_REPEAT = (
    "a repeated group that can match a text in several ways (holding a repetition, or alternatives that "
    "are not literals starting with distinct characters) is not supported by this mock"
)
_REPEAT = re.compile(r"\{(\d+)(,(\d*))?\}")
_FLAGS = re.compile(r"\(\?([imsU]*)(?:-([imsU]*))?([:)])")


class RegexError(ValueError):
    """The pattern is not valid RE2 (or not supported by the mock); ``str()`` is Go's message."""


@dataclass
class _Group:
    multiline: bool
    open_flags: list[str] = field(default_factory=list)  # scoped groups opened by mid-pattern "(?i)"
    # Whether the group can match one text in several ways (it holds a repetition, or an alternation
    # whose branches are not literals with distinct first characters); repeating such a group
    # backtracks exponentially.
    ambiguous: bool = False
    # Per finished branch, its text if it is a plain literal; then the atoms of the current branch.
    branches: list[str | None] = field(default_factory=list)
    branch: list[str | None] = field(default_factory=list)

    def end_branch(self) -> None:
        literal = None if None in self.branch else "".join(c for c in self.branch if c is not None)
        self.branches.append(literal or None)
        self.branch = []

    def close(self) -> None:
        self.end_branch()
        if len(self.branches) > 1:
            firsts = [b[0].casefold() for b in self.branches if b is not None]
            if len(firsts) < len(self.branches) or len(set(firsts)) < len(firsts):
                self.ambiguous = True


def _esc(ch: str) -> str:
    """A literal character, safe in Python patterns inside and outside classes."""
    if ch.isalnum() or ch == "_":
        return ch
    if ch in _PUNCT or ch == " ":
        return "\\" + ch
    return ch if ch.isprintable() else f"\\U{ord(ch):08x}"


class _Translator:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.out: list[str] = []
        self.names: set[str] = set()
        self.groups: list[_Group] = [_Group(multiline=False)]
        # Where the last atom began in ``out`` (None: nothing to quantify), and whether it is ambiguous.
        self.atom_start: int | None = None
        self.atom_ambiguous = False
        self.group_starts: list[int] = []

    def fail(self, what: str, fragment: str | None = None) -> RegexError:
        return RegexError(f"error parsing regexp: {what}: `{self.p if fragment is None else fragment}`")

    def run(self) -> str:
        p = self.p
        while self.i < len(p):
            ch = p[self.i]
            if ch == "\\":
                self.escape()
            elif ch == "[":
                self.atom(self.char_class())
            elif ch == "(":
                self.open_group()
            elif ch == ")":
                self.close_group()
            elif ch == "|":
                self.alternation()
            elif ch in "*+?" or (ch == "{" and _REPEAT.match(p, self.i)):
                self.quantifier()
            elif ch == "$":
                self.i += 1
                self.anchor("$" if self.groups[-1].multiline else "\\Z")
            elif ch == "^":
                self.i += 1
                self.anchor("^")
            elif ch == ".":
                self.i += 1
                self.atom(".")
            else:
                self.i += 1
                self.atom(_esc(ch), literal=ch)
        if len(self.groups) > 1:
            raise self.fail("missing closing )")
        self.out.append(")" * len(self.groups[0].open_flags))
        return "".join(self.out)

    def atom(self, text: str, *, literal: str | None = None, ambiguous: bool = False) -> None:
        self.atom_start = len(self.out)
        self.atom_ambiguous = ambiguous
        self.groups[-1].branch.append(literal)
        self.out.append(text)

    def anchor(self, text: str) -> None:
        self.atom_start = None
        self.out.append(text)

    def escape(self) -> None:
        p, i = self.p, self.i
        if i + 1 >= len(p):
            raise self.fail("trailing backslash at end of expression", "")
        ch = p[i + 1]
        self.i = i + 2
        if ch in _PERL:
            self.atom(_PERL[ch])
        elif ch in _CONTROL:
            self.atom(_CONTROL[ch], literal=_CONTROL_CHARS[ch])
        elif ch in ("A", "b", "B"):
            self.anchor("\\" + ch)
        elif ch == "z":
            self.anchor("\\Z")
        elif ch == "Q":
            end = p.find("\\E", self.i)
            literal = p[self.i :] if end < 0 else p[self.i : end]
            self.i = len(p) if end < 0 else end + 2
            if literal:
                self.atom("(?:" + "".join(_esc(c) for c in literal) + ")")
        elif ch in ("p", "P"):
            raise self.fail("Unicode classes are not supported by this mock", p[i : i + 3])
        else:
            text = self.char_escape(ch, i)
            literal = ch if ch in _PUNCT else chr(int(text[2:], 16))
            self.atom(text, literal=literal)

    def char_escape(self, ch: str, start: int) -> str:
        """Escapes that denote one character, valid inside and outside classes."""
        p = self.p
        if ch in _CONTROL:
            return _CONTROL[ch]
        if ch in _PUNCT:
            return "\\" + ch
        if ch == "x":
            if self.i < len(p) and p[self.i] == "{":
                end = p.find("}", self.i)
                digits = p[self.i + 1 : end] if end > 0 else ""
                self.i = end + 1
            else:
                digits = p[self.i : self.i + 2]
                self.i += 2
            if not digits or len(digits) > 8 or not all(c in "0123456789abcdefABCDEF" for c in digits):
                raise self.fail("invalid escape sequence", p[start : self.i])
            code = int(digits, 16)
            if code > 0x10FFFF:
                raise self.fail("invalid escape sequence", p[start : self.i])
            return f"\\U{code:08x}"
        if ch in "01234567":
            digits = ch
            while len(digits) < 3 and self.i < len(p) and p[self.i] in "01234567":
                digits += p[self.i]
                self.i += 1
            # A lone \1-\7 would be a backreference, which RE2 does not have.
            if ch != "0" and len(digits) == 1:
                raise self.fail("invalid escape sequence", p[start : self.i])
            return f"\\U{int(digits, 8):08x}"
        raise self.fail("invalid escape sequence", p[start : self.i])

    def char_class(self) -> str:
        p, start = self.p, self.i
        self.i += 1
        out = ["["]
        if self.i < len(p) and p[self.i] == "^":
            out.append("^")
            self.i += 1
        first = True
        while True:
            if self.i >= len(p):
                raise self.fail("missing closing ]", p[start:])
            if p[self.i] == "]" and not first:
                self.i += 1
                break
            first = False
            if p.startswith("[:", self.i):
                end = p.find(":]", self.i + 2)
                name = p[self.i + 2 : end] if end > 0 else ""
                if name in _POSIX:
                    out.append(_POSIX[name])
                    self.i = end + 2
                    continue
                if name.startswith("^") and name[1:] in _POSIX:
                    fragment = p[self.i : end + 2]
                    raise self.fail("negated POSIX classes are not supported by this mock", fragment)
            lo = self.class_member()
            if isinstance(lo, str):
                out.append(lo)
                continue
            if self.i + 1 < len(p) and p[self.i] == "-" and p[self.i + 1] != "]":
                self.i += 1
                hi = self.class_member()
                if isinstance(hi, str) or hi[0] < lo[0]:
                    raise self.fail("invalid character class range", p[start : self.i])
                out.append(f"{lo[1]}-{hi[1]}")
            else:
                out.append(lo[1])
        out.append("]")
        return "".join(out)

    def class_member(self) -> tuple[int, str] | str:
        """One member of a class: (code point, Python text) for a character, or the text of a set."""
        p = self.p
        ch = p[self.i]
        if ch != "\\":
            self.i += 1
            return ord(ch), _esc(ch)
        if self.i + 1 >= len(p):
            raise self.fail("missing closing ]", p[self.i :])
        esc = p[self.i + 1]
        start = self.i
        self.i += 2
        if esc in _PERL_IN_CLASS:
            return _PERL_IN_CLASS[esc]
        if esc in ("p", "P"):
            raise self.fail("Unicode classes are not supported by this mock", p[start : start + 3])
        if esc in _PUNCT:
            return ord(esc), "\\" + esc
        if esc in _CONTROL:
            return ord(_CONTROL_CHARS[esc]), _CONTROL[esc]
        text = self.char_escape(esc, start)
        return int(text[2:], 16), text

    def open_group(self) -> None:
        p, start = self.p, self.i
        if len(self.groups) > MAX_NESTING:
            raise self.fail("expression nests too deeply")
        parent = self.groups[-1]
        if p.startswith("(?", start):
            named = re.compile(r"\(\?P?<([A-Za-z0-9_]*)>").match(p, start)
            flags = _FLAGS.match(p, start)
            if named:
                name = named.group(1)
                if not name:
                    raise self.fail("invalid named capture", named.group(0))
                if name in self.names:
                    raise self.fail("duplicate capture group name", named.group(0))
                self.names.add(name)
                self.i = named.end()
                self.push("(", parent.multiline)
            elif (flags and (flags.group(1) or flags.group(2))) or p.startswith("(?:", start):
                on = flags.group(1) if flags else ""
                off = (flags.group(2) or "") if flags else ""
                if "U" in on + off:
                    raise self.fail("the ungreedy flag (?U) is not supported by this mock", flags.group(0))
                spec = on + ("-" + off if off else "")
                multiline = ("m" in on) or (parent.multiline and "m" not in off)
                self.i = flags.end() if flags else start + 3
                if flags is None or flags.group(3) == ":":
                    self.push(f"(?{spec}:" if spec else "(?:", multiline)
                else:
                    # "(?i)" in mid-group: open a scoped group that closes with the enclosing one.
                    parent.open_flags.append(spec)
                    parent.multiline = multiline
                    self.out.append(f"(?{spec}:")
                    self.atom_start = None
            else:
                raise self.fail("invalid or unsupported Perl syntax", p[start : start + 3])
        else:
            self.i += 1
            self.push("(", parent.multiline)

    def push(self, text: str, multiline: bool) -> None:
        self.groups.append(_Group(multiline=multiline))
        self.out.append(text)
        self.atom_start = None
        self.group_starts.append(len(self.out) - 1)

    def close_group(self) -> None:
        if len(self.groups) == 1:
            raise self.fail("unexpected )")
        self.i += 1
        group = self.groups.pop()
        group.close()
        self.out.append(")" * len(group.open_flags) + ")")
        start = self.group_starts.pop()
        text = "".join(self.out[start:])
        del self.out[start:]
        self.groups[-1].ambiguous |= group.ambiguous
        self.atom(text, ambiguous=group.ambiguous)

    def alternation(self) -> None:
        self.i += 1
        group = self.groups[-1]
        group.end_branch()
        self.out.append(")" * len(group.open_flags) + "|" + "".join(f"(?{s}:" for s in group.open_flags))
        self.atom_start = None

    def quantifier(self) -> None:
        p, start = self.p, self.i
        ch = p[start]
        if ch == "{":
            match = _REPEAT.match(p, start)
            assert match is not None
            lo = int(match.group(1)) if len(match.group(1)) < 8 else MAX_REPEAT + 1
            hi_text = match.group(3)
            hi = lo if match.group(2) is None else (None if hi_text == "" else int(hi_text[:8]))
            if lo > MAX_REPEAT or (hi is not None and (hi > MAX_REPEAT or hi < lo)):
                raise self.fail("invalid repeat count", match.group(0))
            self.i = match.end()
            repeats = hi is None or hi > 1
        else:
            self.i += 1
            repeats = ch != "?"
        if self.i < len(p) and p[self.i] == "?":
            self.i += 1
        if self.i < len(p) and (p[self.i] in "*+?" or (p[self.i] == "{" and _REPEAT.match(p, self.i))):
            raise self.fail("invalid nested repetition operator", p[start : self.i + 1])
        if self.atom_start is None:
            raise self.fail("missing argument to repetition operator", p[start : self.i])
        if repeats and self.atom_ambiguous:
            raise self.fail(_NESTED_REPEAT)
        self.out.append(p[start : self.i])
        group = self.groups[-1]
        group.ambiguous = True
        group.branch[-1] = None
        # A quantified atom cannot be quantified again.
        self.atom_start = None


@lru_cache(maxsize=512)
def compile_re2(pattern: str) -> re.Pattern[str]:
    """Compile an RE2 pattern for ``search`` (Go's MatchString is unanchored); raises RegexError."""
    try:
        translated = _Translator(pattern).run()
        return re.compile(translated)
    except RegexError:
        raise
    except (re.error, RecursionError, OverflowError, ValueError) as exc:
        raise RegexError(f"error parsing regexp: {exc}: `{pattern}`") from None
