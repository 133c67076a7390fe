// Llama 3's pre-tokenizer split on chosen strings: each expectation is what the pattern
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// gives, worked out by hand. The character classes come from generated tables; a few spot checks.
#include "text/PreTokenizer.h"
#include "text/UnicodeClass.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace corral;

namespace {
std::vector<std::string> split(const std::string &text)
{
    std::vector<std::string_view> pieces;
    splitLlama3(text, pieces);
    return {pieces.begin(), pieces.end()};
}
using Pieces = std::vector<std::string>;
}  // namespace

TEST(PreTokenizer, Contractions)
{
    EXPECT_EQ(split("I'M here"), (Pieces{"I", "'M", " here"}));
    EXPECT_EQ(split("don't"), (Pieces{"don", "'t"}));
    EXPECT_EQ(split("we'll've"), (Pieces{"we", "'ll", "'ve"}));
    EXPECT_EQ(split("THEY'RE"), (Pieces{"THEY", "'RE"}));
    EXPECT_EQ(split("it'Sa"), (Pieces{"it", "'S", "a"}));  // no word boundary needed after it
    EXPECT_EQ(split("'tis"), (Pieces{"'t", "is"}));
    EXPECT_EQ(split("rock'n'roll"), (Pieces{"rock", "'n", "'roll"}));  // not a contraction: a quote leads letters
    EXPECT_EQ(split("it’s"), (Pieces{"it", "’s"}));  // the typographic apostrophe is not "'"
}

TEST(PreTokenizer, NumbersComeInGroupsOfThree)
{
    EXPECT_EQ(split("12345678"), (Pieces{"123", "456", "78"}));
    EXPECT_EQ(split("abc123def"), (Pieces{"abc", "123", "def"}));
    EXPECT_EQ(split("pi 3.14159"), (Pieces{"pi", " ", "3", ".", "141", "59"}));
    EXPECT_EQ(split("1,000"), (Pieces{"1", ",", "000"}));
    EXPECT_EQ(split("\u0663\u0664\u0665\u0666"), (Pieces{"\u0663\u0664\u0665", "\u0666"}));  // Arabic-Indic digits
    EXPECT_EQ(split("x\u00B2\u00BD"), (Pieces{"x", "\u00B2\u00BD"}));  // ² and ½ are numbers (No)
}

TEST(PreTokenizer, WhitespaceRunsLeaveOneSpaceToTheNextWord)
{
    EXPECT_EQ(split("a b"), (Pieces{"a", " b"}));
    EXPECT_EQ(split("a  b"), (Pieces{"a", " ", " b"}));
    EXPECT_EQ(split("a    b"), (Pieces{"a", "   ", " b"}));
    EXPECT_EQ(split("end   "), (Pieces{"end", "   "}));  // at the end of the text the run stays whole
    EXPECT_EQ(split("\t\tx"), (Pieces{"\t", "\tx"}));
    EXPECT_EQ(split("a \t 1"), (Pieces{"a", " \t", " ", "1"}));  // a digit takes no leading space
    EXPECT_EQ(split("a\u3000b"), (Pieces{"a", "\u3000b"}));  // the ideographic space is \s
    EXPECT_EQ(split("a\u00A0\u00A0b"), (Pieces{"a", "\u00A0", "\u00A0b"}));
    EXPECT_EQ(split("  !!"), (Pieces{" ", " !!"}));
}

TEST(PreTokenizer, NewlinesEndTheirRun)
{
    EXPECT_EQ(split("x\r\n\r\ny"), (Pieces{"x", "\r\n\r\n", "y"}));
    EXPECT_EQ(split("a   \n\n  b"), (Pieces{"a", "   \n\n", " ", " b"}));
    EXPECT_EQ(split("a\n b"), (Pieces{"a", "\n", " b"}));
    EXPECT_EQ(split("a \n\t\n \t"), (Pieces{"a", " \n\t\n", " \t"}));
    EXPECT_EQ(split("\nword"), (Pieces{"\n", "word"}));  // a line break never leads letters
}

TEST(PreTokenizer, PunctuationRuns)
{
    EXPECT_EQ(split("hello!!! world?\n"), (Pieces{"hello", "!!!", " world", "?\n"}));
    EXPECT_EQ(split(" ...\n\nx"), (Pieces{" ...\n\n", "x"}));
    EXPECT_EQ(split("(x)"), (Pieces{"(x", ")"}));
    EXPECT_EQ(split("a+=b;"), (Pieces{"a", "+=", "b", ";"}));
    EXPECT_EQ(split("<|eot_id|>"), (Pieces{"<|", "eot", "_id", "|>"}));
}

TEST(PreTokenizer, ScriptsEmojiAndMarks)
{
    EXPECT_EQ(split("我们今天去公园"), (Pieces{"我们今天去公园"}));
    EXPECT_EQ(split("東京。大阪"), (Pieces{"東京", "。大阪"}));
    EXPECT_EQ(split("한국어 문장"), (Pieces{"한국어", " 문장"}));
    EXPECT_EQ(split("hi 🦙🦙 ok"), (Pieces{"hi", " 🦙🦙", " ok"}));
    EXPECT_EQ(split("👨‍👩‍👧"), (Pieces{"👨‍👩‍👧"}));  // emoji and joiners are all "other"
    EXPECT_EQ(split("café naïve"), (Pieces{"café", " naïve"}));
    // A combining accent is a mark, not a letter: it splits the word and leads what follows.
    EXPECT_EQ(split("e\u0301te\u0301"), (Pieces{"e", "\u0301te", "\u0301"}));
    EXPECT_EQ(split("a\u0085b"), (Pieces{"a", "\u0085b"}));  // NEL is not \s in JavaScript
}

TEST(PreTokenizer, PiecesCoverTheTextExactly)
{
    const std::string text = "Mixed: 'Hello', 12345 wörld!\r\n\t  🦙\xFF\xC3(\u3000x";
    std::string joined;
    for (const auto &p : split(text))
        joined += p;
    EXPECT_EQ(joined, text);
    EXPECT_EQ(split("\xFF\xFEz"), (Pieces{"\xFF\xFE", "z"}));  // malformed bytes are "other"
    EXPECT_TRUE(split("").empty());
}

TEST(UnicodeClass, SpotChecks)
{
    using unicode::CharClass;
    EXPECT_EQ(unicode::classOf(U'a'), CharClass::Letter);
    EXPECT_EQ(unicode::classOf(U'\u00E9'), CharClass::Letter);
    EXPECT_EQ(unicode::classOf(U'\u4E2D'), CharClass::Letter);
    EXPECT_EQ(unicode::classOf(U'\U00020000'), CharClass::Letter);  // CJK extension B
    EXPECT_EQ(unicode::classOf(U'7'), CharClass::Number);
    EXPECT_EQ(unicode::classOf(U'\u2163'), CharClass::Number);  // Ⅳ (Nl)
    EXPECT_EQ(unicode::classOf(U'\U0001D7CE'), CharClass::Number);  // 𝟎
    EXPECT_EQ(unicode::classOf(U' '), CharClass::Space);
    EXPECT_EQ(unicode::classOf(U'\u3000'), CharClass::Space);
    EXPECT_EQ(unicode::classOf(U'\uFEFF'), CharClass::Space);  // JavaScript's \s has the BOM
    EXPECT_EQ(unicode::classOf(U'\u0085'), CharClass::Other);  // ... and lacks NEL
    EXPECT_EQ(unicode::classOf(U'\u0301'), CharClass::Other);
    EXPECT_EQ(unicode::classOf(U'\U0001F999'), CharClass::Other);
    EXPECT_EQ(unicode::classOf(U'\U0010FFFF'), CharClass::Other);
    EXPECT_EQ(unicode::classOf(0x110000), CharClass::Other);
}
