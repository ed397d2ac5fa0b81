package multi30k

import "slices"

// File is one file of the data set with its expected content.
type File struct {
	Split     string // Train, Val or Test2016
	Lang      string // de, en, fr or cs
	Tokenized bool   // the lowercased tokenized copy (val and test only)
	Lines     int    // number of lines
	SHA256    string // hex digest of the gzip file
}

// Name returns the file's name in a data directory.
func (f File) Name() string {
	if f.Tokenized {
		return TokName(f.Split, f.Lang)
	}
	return Name(f.Split, f.Lang)
}

// Upstream returns the file's path under DefaultBaseURL, or "" for the
// tokenized copies, which upstream keeps in another form: those are only
// copied from a local directory.
func (f File) Upstream() string {
	if f.Tokenized {
		return ""
	}
	return "raw/" + f.Name()
}

// manifest lists the task 1 files with the digests of the upstream files.
var manifest = [...]File{
	{Split: Train, Lang: "de", Lines: 29000, SHA256: "726e39b2fa9eb9ffb6dc763fb35a179f80fae06ffc5d28b6ace5faa883de28a6"},
	{Split: Train, Lang: "en", Lines: 29000, SHA256: "d79cfa999dd4c51d2cb42499b6796d5a882c3a8a961923c25a898c90f8bbd56f"},
	{Split: Train, Lang: "fr", Lines: 29000, SHA256: "622e75069e9f4c577425c4f277116ce66e63a2401c0a2312d90073cb12379a3c"},
	{Split: Train, Lang: "cs", Lines: 29000, SHA256: "a65adb8b32e3bc664f21ecba7a6e7f6950fd1f405e135f7c312faabdb6255077"},
	{Split: Val, Lang: "de", Lines: 1014, SHA256: "f0cba2f995189cf5770f29a8a9a537a3ad3f51657ad873405082ff6863a5e75a"},
	{Split: Val, Lang: "en", Lines: 1014, SHA256: "14f7d25ddd868909a9213e361768460edcacdd6ab9d1e77b92560dc10c10dc28"},
	{Split: Val, Lang: "fr", Lines: 1014, SHA256: "ca3106f1a72390591d25f6c45cb4cd39dec4cd3f123e099748a3ce5256c160e9"},
	{Split: Val, Lang: "cs", Lines: 1014, SHA256: "b63226e05c4bd5dd6a42897d74b86a1b9d2c31498252c572b1ea7f7996927fcc"},
	{Split: Val, Lang: "de", Tokenized: true, Lines: 1014, SHA256: "006ad58fd6a2ad6502094160fe5273d93abf34a207967fdc69eafd7558b5ef39"},
	{Split: Val, Lang: "en", Tokenized: true, Lines: 1014, SHA256: "2c7e5e9cf54ba0dff0cc4b84836d5a583f80ecaaab90b37a123d1376306215cd"},
	{Split: Val, Lang: "fr", Tokenized: true, Lines: 1014, SHA256: "78b89a01ca96bb9940c525ad5eb73c0028d3e5bfd90008886a22961afb8e8994"},
	{Split: Val, Lang: "cs", Tokenized: true, Lines: 1014, SHA256: "0a405dfbb948e4458978f2fc65058fcb885eec4ff3ff6a93aa23cf41fb4f23dd"},
	{Split: Test2016, Lang: "de", Lines: 1000, SHA256: "9204244e408ccb38d2a55cfcd344df15005fc42a07a6e55ca6c52b6ababb8cc8"},
	{Split: Test2016, Lang: "en", Lines: 1000, SHA256: "611d361c6334bc7246101d48097c13cf5c4413c5befc793cc629934359d532d9"},
	{Split: Test2016, Lang: "fr", Lines: 1000, SHA256: "6d326e188d259fb1d04ac19eae3af956559b3a0b93d7635e56c90987c40c8b90"},
	{Split: Test2016, Lang: "cs", Lines: 1000, SHA256: "200a4a74cc9560f051924abb9803be008d1908d77f747e9141aeb86dfd2797f1"},
	{Split: Test2016, Lang: "de", Tokenized: true, Lines: 1000, SHA256: "2628844bbb7783afa0ba8a9927f174aafeee715871aa8deed3af2c4d0b71a658"},
	{Split: Test2016, Lang: "en", Tokenized: true, Lines: 1000, SHA256: "b95df925929cb222d0cf733f153bcbfba0f00180c85fd61dd5c4fb27f29ee394"},
	{Split: Test2016, Lang: "fr", Tokenized: true, Lines: 1000, SHA256: "97b9b377d15dfc98e55e270dda3d6c91f8df02a5cf9e682457f6c59bd6be00db"},
	{Split: Test2016, Lang: "cs", Tokenized: true, Lines: 1000, SHA256: "8e46fba6274766d8e55a0f6f28395d8948baab3cfeda729a7edaab8aa81a549d"},
}

// Manifest returns a copy of the list of task 1 files known to this
// package, split by split: the raw file of each language, then for val and
// test the tokenized copies.
func Manifest() []File { return slices.Clone(manifest[:]) }
