import io.aeron.CncFileDescriptor;
import io.aeron.cluster.ElectionState;
import io.aeron.cluster.service.Cluster;
import java.io.File;
import java.nio.MappedByteBuffer;
import java.time.LocalTime;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.status.CountersReader;

/**
 * Each member's role and election state as they change, read from its media driver's counters
 * every 10 ms, or every {@code STATES_EVERY_MS} (the consensus module keeps both there): one line
 * per change, "HH:MM:SS.nnn member N ROLE STATE". For watching an election step by step; runs
 * until killed.
 *
 * <p>{@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp
 * broker/target/ringchat-broker.jar bench/MemberStates.java DIR...}, each DIR a member's {@code
 * --cluster-dir}.
 */
public final class MemberStates {
  private static final String ROLE = "Cluster node role";
  private static final String ELECTION = "Cluster election state";

  public static void main(String[] args) throws InterruptedException {
    String every = System.getenv("STATES_EVERY_MS");
    long everyMs = every == null || every.isEmpty() ? 10 : Long.parseLong(every);
    String[] last = new String[args.length];
    MappedByteBuffer[] files = new MappedByteBuffer[args.length];
    long[] mapped = new long[args.length];
    while (true) {
      for (int i = 0; i < args.length; i++) {
        File cnc = new File(new File(args[i], "driver"), CncFileDescriptor.CNC_FILE);
        // A restarted member writes a new file: map again when it changed.
        if (files[i] != null && cnc.lastModified() != mapped[i]) {
          IoUtil.unmap(files[i]);
          files[i] = null;
        }
        String now = "-";
        try {
          if (files[i] == null && cnc.length() > 0) {
            mapped[i] = cnc.lastModified();
            files[i] = IoUtil.mapExistingFile(cnc, "cnc");
          }
          if (files[i] != null) {
            now = states(files[i]);
          }
        } catch (RuntimeException e) { // a file being written or removed: look again
          files[i] = null;
        }
        if (!now.equals(last[i])) {
          last[i] = now;
          System.out.println(LocalTime.now() + " member " + i + " " + now);
        }
      }
      Thread.sleep(everyMs);
    }
  }

  private static String states(MappedByteBuffer cnc) {
    DirectBuffer meta = CncFileDescriptor.createMetaDataBuffer(cnc);
    CountersReader counters =
        new CountersReader(
            CncFileDescriptor.createCountersMetaDataBuffer(cnc, meta),
            CncFileDescriptor.createCountersValuesBuffer(cnc, meta));
    String[] found = {"-", "-"};
    counters.forEach(
        (value, id, label) -> {
          if (label.startsWith(ROLE)) {
            found[0] = Cluster.Role.get(value).name();
          } else if (label.startsWith(ELECTION)) {
            found[1] = ElectionState.get(value).name();
          }
        });
    return found[0] + " " + found[1];
  }
}
