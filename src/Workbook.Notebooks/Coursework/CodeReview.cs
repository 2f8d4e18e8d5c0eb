using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workbook.Coursework;

namespace Workbook.Notebooks.Coursework;

/// <summary>One code cell of a notebook, in the order the kernel runs them.</summary>
/// <param name="Judged">the student wrote it: every symbol it binds to is judged by <see cref="CodePolicy"/></param>
/// <param name="Exercises">the exercises whose library answers the cell may not use</param>
public sealed record ReviewedCell(string Source, bool Judged, IReadOnlyList<string> Exercises);

/// <summary>A use of an API that <see cref="CodePolicy"/> refuses.</summary>
/// <param name="Cell">the cell's index in the list given to <see cref="CodeReview.Judge"/></param>
/// <param name="Line">the 1-based line in the cell</param>
/// <param name="Api">the API as a reader writes it (<c>System.IO.File.WriteAllText</c>)</param>
public sealed record CodeRefusal(int Cell, int Line, string Api, string Reason)
{
    /// <summary>"line 4 uses System.IO.File.WriteAllText: files are not available to exercises".</summary>
    public string Message => $"line {Line} uses {Api}: {Reason}";
}

/// <summary>
/// Judges a notebook's student cells before anything runs, by what the code binds to rather than how it is spelled:
/// the cells are compiled in order as one C# script (each cell a submission that sees the ones before it, as in the
/// notebook's kernel, with the kernel's imports and the assemblies the setup cell loads), and every symbol a student
/// cell binds to, every type one of its expressions has, is asked of <see cref="CodePolicy"/>. An alias
/// (<c>using F = System.IO.File;</c>) is judged as the type it names, the student's own <c>Batches</c> is the
/// student's, names in comments and strings bind to nothing.
/// </summary>
public static class CodeReview
{
    /// <summary>What a .NET Interactive C# kernel imports before the first cell.</summary>
    private const string KernelPrelude =
        "using System; using System.Text; using System.Collections; using System.Collections.Generic; using System.Linq; " +
        "using System.Threading.Tasks; using Microsoft.DotNet.Interactive; using static Microsoft.DotNet.Interactive.Kernel;";

    private static readonly CSharpParseOptions Script = new(LanguageVersion.Preview, kind: SourceCodeKind.Script);

    private static readonly CSharpCompilationOptions Options = new(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true,
        nullableContextOptions: NullableContextOptions.Enable);

    /// <summary>
    /// The assemblies a notebook's code binds against: this process's (the runtime, .NET Interactive, the workbook's
    /// library and its packages, TorchSharp among them: the same the setup cell's <c>#r</c> lines name).
    /// </summary>
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(File.Exists)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());

    /// <summary>Every refused use in the judged cells, at most one per line (the outermost: the member rather than its type).</summary>
    public static IReadOnlyList<CodeRefusal> Judge(IReadOnlyList<ReviewedCell> cells)
    {
        var refusals = new List<CodeRefusal>();
        var previous = CSharpCompilation.CreateScriptCompilation("Prelude", CSharpSyntaxTree.ParseText(KernelPrelude, Script),
            References.Value, Options, returnType: typeof(object));
        for (int i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            var (code, directives) = WithoutDirectives(cell.Source);
            var tree = CSharpSyntaxTree.ParseText(code, Script);
            var compilation = CSharpCompilation.CreateScriptCompilation($"Cell{i}", tree, References.Value, Options, previous, typeof(object));
            // As in the kernel, a cell that does not compile leaves nothing behind for the cells after it.
            bool compiles = !compilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
            if (compiles) previous = compilation;
            if (!cell.Judged) continue;
            var found = directives.Select(line => new CodeRefusal(i, line, "#" + cell.Source.Split('\n')[line - 1].Trim().TrimStart('#').Split(' ')[0], CodePolicy.Directive)).ToList();
            var model = compilation.GetSemanticModel(tree);
            // Per line, the first refused member (Type.GetMethod) rather than the type of the value it gives (MethodInfo).
            var byLine = new Dictionary<int, (string Api, string Reason, bool Member)>();
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                int line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                if (found.Any(r => r.Line == line) || byLine.TryGetValue(line, out var first) && first.Member) continue;
                if (JudgeNode(node, model, cell.Exercises) is { } refused && (!byLine.ContainsKey(line) || refused.Member)) byLine[line] = refused;
            }
            found.AddRange(byLine.Select(r => new CodeRefusal(i, r.Key, r.Value.Api, r.Value.Reason)));
            refusals.AddRange(found.OrderBy(r => r.Line));
        }
        return refusals;
    }

    /// <summary>The cell with its <c>#r</c>/<c>#i</c>/<c>#load</c>/<c>#!</c> lines blanked (the kernel handles them, not the compiler), and their line numbers.</summary>
    private static (string Code, List<int> Lines) WithoutDirectives(string source)
    {
        var lines = source.Split('\n');
        var directives = new List<int>();
        for (int i = 0; i < lines.Length; i++)
        {
            string trimmed = lines[i].TrimStart();
            if (trimmed.StartsWith("#r ", StringComparison.Ordinal) || trimmed.StartsWith("#i ", StringComparison.Ordinal)
                || trimmed.StartsWith("#load", StringComparison.Ordinal) || trimmed.StartsWith("#!", StringComparison.Ordinal))
            {
                directives.Add(i + 1);
                lines[i] = "";
            }
        }
        return (string.Join('\n', lines), directives);
    }

    private static (string Api, string Reason, bool Member)? JudgeNode(SyntaxNode node, SemanticModel model, IReadOnlyList<string> exercises)
    {
        switch (node)
        {
            case UnsafeStatementSyntax or FixedStatementSyntax or PointerTypeSyntax or FunctionPointerTypeSyntax:
                return ("unsafe", CodePolicy.Unsafe, true);
            case MemberDeclarationSyntax or LocalFunctionStatementSyntax when Modifiers(node).Any(m => m.IsKind(SyntaxKind.UnsafeKeyword) || m.IsKind(SyntaxKind.ExternKeyword)):
                return ("unsafe", CodePolicy.Unsafe, true);
            case ExternAliasDirectiveSyntax:
                return ("extern alias", CodePolicy.LoadingCode, true);
        }
        if (node is not (ExpressionSyntax or AttributeSyntax or ConstructorInitializerSyntax or PrimaryConstructorBaseTypeSyntax)) return null;
        // A using directive is judged where what it imports is used (an alias's uses are its target's).
        if (node.Ancestors().Any(a => a is UsingDirectiveSyntax)) return null;
        var info = model.GetSymbolInfo(node);
        var symbol = info.Symbol ?? (info.CandidateSymbols.Length == 1 ? info.CandidateSymbols[0] : null);
        // In Console.WriteLine the member is judged, not the type that holds it (Console.SetOut is refused, WriteLine is not).
        if (symbol is ITypeSymbol or INamespaceSymbol && IsQualifier(node)) return null;
        if (symbol != null && JudgeSymbol(symbol, exercises) is var (api, reason)) return (api, reason, symbol is not ITypeSymbol);
        if (node is ExpressionSyntax && model.GetTypeInfo(node).Type is { } type && JudgeSymbol(type, exercises) is var (typeApi, typeReason))
            return (typeApi, typeReason, false);
        return null;
    }

    private static bool IsQualifier(SyntaxNode node) => node.Parent switch
    {
        MemberAccessExpressionSyntax access => access.Expression == node,
        QualifiedNameSyntax qualified => qualified.Left == node,
        _ => false,
    };

    private static IEnumerable<SyntaxToken> Modifiers(SyntaxNode node) => node switch
    {
        MemberDeclarationSyntax member => member.Modifiers,
        LocalFunctionStatementSyntax local => local.Modifiers,
        _ => Enumerable.Empty<SyntaxToken>(),
    };

    /// <summary>The symbol's API and the policy's reason to refuse it, or null: the student's own symbols are theirs.</summary>
    private static (string Api, string Reason)? JudgeSymbol(ISymbol symbol, IReadOnlyList<string> exercises)
    {
        switch (symbol)
        {
            case IAliasSymbol alias: return JudgeSymbol(alias.Target, exercises);
            case IArrayTypeSymbol array: return JudgeSymbol(array.ElementType, exercises);
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol: return ("unsafe", CodePolicy.Unsafe);
            case IDynamicTypeSymbol: return ("dynamic", CodePolicy.Dynamic);
            case INamespaceSymbol or ILocalSymbol or IParameterSymbol or ILabelSymbol or IRangeVariableSymbol or ITypeParameterSymbol or IDiscardSymbol or IErrorTypeSymbol:
                return null;
            case INamedTypeSymbol named when named.IsTupleType || named.IsAnonymousType:
                return null;
            case IMethodSymbol { ReducedFrom: { } extension }: return JudgeSymbol(extension, exercises);
        }
        var definition = symbol.OriginalDefinition;
        if (definition is IMethodSymbol { AssociatedSymbol: { } owner }) definition = owner;   // add_ProcessExit is ProcessExit
        if (definition.Locations.Any(l => l.IsInSource)) return null;   // declared in the notebook: the student's or the demonstration's own
        var type = definition as INamedTypeSymbol ?? definition.ContainingType;
        if (type == null) return null;
        var chain = new List<string>();
        for (var t = type; t != null; t = t.ContainingType) chain.Insert(0, t.Name);
        if (definition is not INamedTypeSymbol && definition is not IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor })
            chain.Add(definition.Name);
        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "";
        string api = $"{ns}::{string.Join('.', chain)}";
        return CodePolicy.Refusal(api, exercises) is string reason ? (CodePolicy.Readable(api), reason) : null;
    }
}
