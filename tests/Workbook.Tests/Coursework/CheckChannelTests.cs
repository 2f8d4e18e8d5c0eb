using System.Text;
using Workbook.Notebooks;

namespace Workbook.Tests.Coursework;

/// <summary>The signed channel between the notebook host and the grader, without a notebook run.</summary>
public class CheckChannelTests
{
    private static (CheckChannel Channel, MemoryStream Output) Open(string secret)
    {
        var output = new MemoryStream();
        return (CheckChannel.Open(new StringReader(secret + "\n"), output), output);
    }

    private static string Text(MemoryStream output) => Encoding.ASCII.GetString(output.ToArray());

    [Fact]
    public void Messages_signed_with_the_runs_secret_are_read_in_order()
    {
        string secret = CheckChannel.NewSecret();
        var (channel, output) = Open(secret);
        channel.Send(3, ChannelMessage.CheckReport, null, "{\"Exercise\":\"1.1\"}");
        channel.Send(3, ChannelMessage.CellDone, null, null);
        channel.Send(4, ChannelMessage.CellDone, "boom", null);
        // What the notebook printed lies between the channel's lines.
        var messages = CheckChannel.Read("cell 3: ok\nstudent output" + Text(output) + "more output\n", secret);
        Assert.Equal(new[] { 0L, 1, 2 }, messages.Select(m => m.Sequence));
        Assert.Equal("{\"Exercise\":\"1.1\"}", messages[0].Report);
        Assert.Equal((4, "boom"), (messages[2].Cell, messages[2].Error));
    }

    [Fact]
    public void A_line_signed_with_another_secret_or_altered_is_ignored()
    {
        string secret = CheckChannel.NewSecret();
        var (forger, forged) = Open(CheckChannel.NewSecret());
        forger.Send(5, ChannelMessage.CheckReport, null, "{\"Exercise\":\"1.1\"}");
        Assert.Empty(CheckChannel.Read(Text(forged), secret));

        var (channel, output) = Open(secret);
        channel.Send(5, ChannelMessage.CellDone, "an error", null);
        string line = Text(output).Trim();
        string payload = line[CheckChannel.Marker.Length..].Split(' ')[0];
        string altered = Convert.ToBase64String(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Convert.FromBase64String(payload)).Replace("an error", "no error!")));
        Assert.Empty(CheckChannel.Read(line.Replace(payload, altered), secret));
        Assert.Single(CheckChannel.Read(line, secret));
    }

    [Fact]
    public void A_repeated_or_reordered_message_ends_what_is_read()
    {
        string secret = CheckChannel.NewSecret();
        var (channel, output) = Open(secret);
        channel.Send(1, ChannelMessage.CellDone, null, null);
        channel.Send(2, ChannelMessage.CellDone, null, null);
        var lines = Text(output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(CheckChannel.Read($"{lines[0]}\n{lines[0]}\n{lines[1]}", secret));
        Assert.Empty(CheckChannel.Read($"{lines[1]}\n{lines[0]}", secret));
    }

    [Fact]
    public void The_host_refuses_to_start_without_a_secret()
    {
        Assert.Throws<InvalidDataException>(() => CheckChannel.Open(new StringReader("not hex\n"), new MemoryStream()));
        Assert.Throws<InvalidDataException>(() => CheckChannel.Open(new StringReader(""), new MemoryStream()));
    }
}
